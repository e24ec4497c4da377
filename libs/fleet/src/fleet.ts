import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { processEnvironment } from '@switchyard/config';
import { setTimeout as sleep } from 'node:timers/promises';

/** `switchyard`: the one-process mode (ingress, classifier, dispatchers and ledger in one process). */
export type AppName = 'ingress' | 'classifier' | 'dispatcher' | 'ledger' | 'mock-provider' | 'switchyard';

/**
 * Node flags every service runs with (the image sets the same through NODE_OPTIONS): an explicit
 * heap ceiling makes V8 size its heap for a small service instead of for the host's memory, and a
 * 4 MB young generation is plenty for a request's garbage (docs/benchmarks.md has the numbers).
 */
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=4', '--max-old-space-size=512'];

/**
 * Per service, after the common flags (the compose file sets the same `NODE_OPTIONS`; `npm start`
 * the one-process gateway's): the ledger
 * holds each batch of events for the length of a database write, so with a 4 MB young generation
 * most of them outlive two scavenges and are copied twice; 8 MB lets most die young (ledger CPU
 * 40–44 → 36–41 µs per event in `npm run bench:ledger`; 16 MB gained little more and cost RSS).
 */
export const APP_NODE_FLAGS: Partial<Record<AppName, readonly string[]>> = {
  ledger: ['--max-semi-space-size=8'],
  // one process carries every hop's garbage on one thread: with 4 MB it spent 15 % of its busy
  // time in GC at concurrency 64; 16 MB (Node's own default) gave 1,429-1,562 req/s against
  // 933-1,255 with 4 MB, for about 23 MB more peak RSS (180 MB in all); 32 MB gained no more
  switchyard: ['--max-semi-space-size=16'],
};

export interface ServiceSpec {
  /** unique label, e.g. `dispatcher-openai` or `dispatcher-openai-2`. */
  name: string;
  app: AppName;
  environment: Record<string, string>;
  /** URL that answers 2xx once the service is ready. */
  readyUrl: string | null;
  /** extra `node` flags, e.g. `--cpu-prof`. */
  nodeOptions?: string[];
}

export interface FleetOptions {
  /** the repository root (where `dist/` is). */
  root: string;
  /** called with every log line of every service, already prefixed with its name. */
  onLine?: (line: string, service: string) => void;
  readyTimeoutMs?: number;
}

interface Running {
  spec: ServiceSpec;
  child: ChildProcess;
  exited: Promise<number | null>;
}

/**
 * Runs Switchyard's services as local processes from `dist/` (`npm run fleet`, the e2e tests and
 * the benchmarks): start in order, wait for each to be ready, prefix their logs, stop them all.
 */
export class Fleet {
  private readonly running = new Map<string, Running>();

  constructor(private readonly options: FleetOptions) {}

  async start(specs: readonly ServiceSpec[]): Promise<void> {
    for (const spec of specs) await this.startService(spec);
  }

  async startService(spec: ServiceSpec): Promise<void> {
    if (this.running.has(spec.name)) throw new Error(`${spec.name} is already running`);
    const child = spawn(
      process.execPath,
      [
        ...SERVICE_NODE_FLAGS,
        ...(APP_NODE_FLAGS[spec.app] ?? []),
        ...(spec.nodeOptions ?? []),
        join(this.options.root, 'dist/apps', spec.app, 'src/main.js'),
      ],
      {
        cwd: this.options.root,
        env: { MALLOC_ARENA_MAX: '2', ...processEnvironment(), ...spec.environment },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    this.running.set(spec.name, { spec, child, exited });
    for (const stream of [child.stdout, child.stderr]) {
      let buffer = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (data: string) => {
        buffer += data;
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        for (const line of lines) if (line.trim()) this.options.onLine?.(`[${spec.name}] ${line}`, spec.name);
      });
    }
    if (spec.readyUrl) await this.waitReady(spec, exited);
  }

  /** Stops one service (SIGTERM, or the given signal), waiting for it to exit. */
  async stopService(name: string, signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000): Promise<void> {
    const running = this.running.get(name);
    if (!running) return;
    this.running.delete(name);
    if (running.child.exitCode !== null || running.child.signalCode !== null) return;
    running.child.kill(signal);
    const timer = setTimeout(() => running.child.kill('SIGKILL'), timeoutMs);
    await running.exited;
    clearTimeout(timer);
  }

  async stop(): Promise<void> {
    const names = [...this.running.keys()].reverse();
    // ingress first (no new work), mock last
    await Promise.all(names.filter((name) => name !== 'mock-provider').map((name) => this.stopService(name)));
    await this.stopService('mock-provider');
  }

  pid(name: string): number | undefined {
    return this.running.get(name)?.child.pid;
  }

  names(): string[] {
    return [...this.running.keys()];
  }

  spec(name: string): ServiceSpec | undefined {
    return this.running.get(name)?.spec;
  }

  private async waitReady(spec: ServiceSpec, exited: Promise<number | null>): Promise<void> {
    const deadline = Date.now() + (this.options.readyTimeoutMs ?? 30_000);
    let exitCode: number | null | undefined;
    void exited.then((code) => (exitCode = code));
    while (Date.now() < deadline) {
      if (exitCode !== undefined) throw new Error(`${spec.name} exited with code ${exitCode} while starting`);
      try {
        const response = await fetch(spec.readyUrl!, { signal: AbortSignal.timeout(1000) });
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new Error(
      `${spec.name} was not ready at ${spec.readyUrl} within ${this.options.readyTimeoutMs ?? 30_000} ms`,
    );
  }
}
