import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Fleet, freePort, planFleet } from '@switchyard/fleet';
import { benchScope, MASTER_KEY, ROOT } from './bench-scope';
import { generateLoad } from './load-generator';
import { cpuSeconds, memoryMb } from './process-stats';

/**
 * Where the CPU of one request goes: runs the fleet on the mock (10 ms upstream), drives
 * non-streaming chat at a fixed concurrency, and prints each process's CPU per request at steady
 * state (the fleet's services, nats-server, redis-server, postgres and this load generator).
 *
 *   npm run bench:cpu -- [--concurrency 64] [--seconds 20] [--profile DIR]
 *
 * `--profile DIR` runs every service with `--cpu-prof` and writes its profiles there (open them
 * in Chrome's DevTools or speedscope). At low concurrency the kernel's tick-based accounting
 * overstates every process's share; compare processes with each other there, not with the clock.
 */
function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && process.argv[index + 1] ? process.argv[index + 1] : fallback;
}

function pidsOf(command: string): number[] {
  try {
    return execFileSync('pgrep', ['-x', command], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

async function main(): Promise<void> {
  const concurrency = Number(option('concurrency', '64'));
  const seconds = Number(option('seconds', '20'));
  const profileDirectory = option('profile', '');
  const [ingressPort, mockPort] = [await freePort(), await freePort()];
  const scope = benchScope('cpu', mockPort, 10);
  const planned = await planFleet({
    configPath: join(ROOT, 'config/demo.yaml'),
    environment: scope.environment,
    ingressPort,
    mockPort,
  });
  const profileFlags = profileDirectory ? ['--cpu-prof', `--cpu-prof-dir=${profileDirectory}`] : [];
  const specs = planned.map((spec) => ({
    ...spec,
    nodeOptions: [...(spec.nodeOptions ?? []), ...profileFlags],
  }));
  const fleet = new Fleet({
    root: ROOT,
    onLine: (line) => (/error/i.test(line) ? process.stderr.write(`${line}\n`) : undefined),
  });
  await fleet.start(specs);
  try {
    const request = {
      url: `http://127.0.0.1:${ingressPort}/v1/chat/completions`,
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${MASTER_KEY}`,
        'cache-control': 'no-cache, no-store',
      },
      body: JSON.stringify({
        model: 'gpt-5.4-mini',
        messages: [{ role: 'user', content: 'Say hello in five words' }],
        max_tokens: 64,
      }),
      stream: false,
    };
    await generateLoad(request, { concurrency, durationMs: 3000, warmupMs: 0 });
    const processes: Record<string, number[]> = {};
    for (const name of fleet.names()) processes[name] = [fleet.pid(name)!];
    for (const command of ['nats-server', 'redis-server', 'postgres']) processes[command] = pidsOf(command);
    processes['load generator'] = [process.pid];
    const cpuOf = (pids: number[]) =>
      pids.reduce((sum, pid) => sum + (Number.isNaN(cpuSeconds(pid)) ? 0 : cpuSeconds(pid)), 0);
    const before = Object.fromEntries(Object.entries(processes).map(([name, pids]) => [name, cpuOf(pids)]));
    const result = await generateLoad(request, {
      concurrency,
      durationMs: seconds * 1000,
      warmupMs: 0,
    });
    // postgres forks a backend per connection: count the ones that appeared during the run too
    processes.postgres = [...new Set([...processes.postgres, ...pidsOf('postgres')])];
    console.log(
      `concurrency ${concurrency}: ${result.requests} requests in ${result.durationS.toFixed(1)} s = ${(result.requests / result.durationS).toFixed(0)} req/s, ${result.errors} errors`,
    );
    let total = 0;
    for (const [name, pids] of Object.entries(processes)) {
      const used = cpuOf(pids) - before[name];
      if (!(used > 0)) continue;
      total += used;
      const rss = pids.length === 1 ? `  RSS ${memoryMb(pids[0]).rss.toFixed(0)} MB` : '';
      console.log(
        `  ${name.padEnd(24)} ${((used / result.requests) * 1e6).toFixed(0).padStart(6)} µs/request  ${((used / result.durationS) * 100).toFixed(0).padStart(3)} % of a core${rss}`,
      );
    }
    console.log(
      `  ${'total'.padEnd(24)} ${((total / result.requests) * 1e6).toFixed(0).padStart(6)} µs/request`,
    );
  } finally {
    await fleet.stop();
    await scope.remove();
  }
  if (profileDirectory) console.log(`CPU profiles written to ${profileDirectory}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
