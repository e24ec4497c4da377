import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '@switchyard/fleet';
import { answers } from './infrastructure';

const NATS_SERVER_BINARY = process.env.NATS_SERVER_BINARY ?? '/usr/sbin/nats-server';

/**
 * A NATS server with JetStream of one test's own, on loopback and a free port, with its store in a
 * temporary folder: a test can kill and restart it under load without touching the NATS server
 * every other test (and every other fleet on the machine) shares. Restarting keeps the port and
 * the store, as a restarted server in production would.
 */
export class NatsServerProcess {
  private child: ChildProcess | null = null;

  private constructor(
    readonly port: number,
    private readonly storeDirectory: string,
  ) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<NatsServerProcess> {
    const server = new NatsServerProcess(await freePort(), mkdtempSync(join(tmpdir(), 'switchyard-nats-')));
    await server.launch();
    return server;
  }

  /** Starts the server again on the same port and store; resolves once it accepts connections. */
  async launch(): Promise<void> {
    if (this.child) throw new Error('this NATS server is already running');
    const child = spawn(
      NATS_SERVER_BINARY,
      ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storeDirectory],
      { stdio: 'ignore' },
    );
    this.child = child;
    const deadline = Date.now() + 15_000;
    while (!(await answers('127.0.0.1', this.port, 500))) {
      if (child.exitCode !== null) throw new Error(`nats-server exited with code ${child.exitCode}`);
      if (Date.now() > deadline) throw new Error(`nats-server did not listen on ${this.port}`);
      await sleep(50);
    }
  }

  /** Kills the server (SIGKILL by default: a crash) and waits until it is gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }

  async stop(): Promise<void> {
    await this.kill('SIGTERM');
    rmSync(this.storeDirectory, { recursive: true, force: true });
  }
}
