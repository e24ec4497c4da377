import { Fleet, freePort, type ServiceSpec } from '@switchyard/fleet';
import { benchScope, MASTER_KEY, planGateways, ROOT } from './bench-scope';
import { generateLoad, percentile, type RequestSpec } from './load-generator';
import { cpuSeconds } from './process-stats';

/**
 * What a hop costs, fleet against one process, in a short run a shared machine can afford: starts
 * the mock (10 ms upstream), the fleet and the one-process gateway (no Portkey), then per scenario
 * measures direct, fleet and one-process back to back and prints added p50/p99 (and TTFT added for
 * streams) and each gateway process's CPU per request.
 *
 *   npm run bench:hops -- [--seconds 5] [--scenario <text>] [--profile DIR]
 *
 * `--profile DIR` runs the ingress, the OpenAI dispatcher and the one-process gateway with
 * `--cpu-prof` and writes their profiles there. Full comparisons with Portkey are `npm run bench`.
 */
function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && process.argv[index + 1] ? process.argv[index + 1] : fallback;
}

type Target = 'direct' | 'fleet' | 'one-process';

interface Scenario {
  name: string;
  concurrency: number;
  stream: boolean;
  path: string;
  body: Record<string, unknown>;
  contentMark?: string;
}

const chat = {
  model: 'gpt-5.4-mini',
  messages: [{ role: 'user', content: 'Say hello in five words' }],
  max_tokens: 64,
};
const streamed = (content: string) => ({
  model: 'gpt-5.4-mini',
  stream: true,
  stream_options: { include_usage: true },
  messages: [{ role: 'user', content }],
});
const SCENARIOS: Scenario[] = [
  { name: 'chat c=1', concurrency: 1, stream: false, path: '/v1/chat/completions', body: chat },
  { name: 'chat c=64', concurrency: 64, stream: false, path: '/v1/chat/completions', body: chat },
  {
    name: 'stream 5 chunks c=1',
    concurrency: 1,
    stream: true,
    path: '/v1/chat/completions',
    body: streamed('Stream [[mock:{"chunks":5,"chunkDelayMs":2}]]'),
  },
  {
    name: 'stream 50 chunks/10 ms c=8',
    concurrency: 8,
    stream: true,
    path: '/v1/chat/completions',
    body: streamed('Stream a long answer [[mock:{"chunks":50,"chunkDelayMs":10}]]'),
  },
  {
    name: 'responses stream 50 chunks/10 ms c=8',
    concurrency: 8,
    stream: true,
    path: '/v1/responses',
    body: {
      model: 'gpt-5.4-mini',
      stream: true,
      input: 'Stream a long answer [[mock:{"chunks":50,"chunkDelayMs":10}]]',
    },
    contentMark: 'response.output_text.delta',
  },
];

async function main(): Promise<void> {
  const seconds = Number(option('seconds', '5'));
  const filter = option('scenario', '');
  const profileDirectory = option('profile', '');
  const [ingressPort, mockPort, oneProcessPort] = [await freePort(), await freePort(), await freePort()];
  const scope = benchScope('hops', mockPort, 10);
  const profiled = new Set(['ingress', 'dispatcher-openai', 'one-process']);
  const withProfile = (spec: ServiceSpec): ServiceSpec =>
    profileDirectory && profiled.has(spec.name)
      ? {
          ...spec,
          nodeOptions: [
            ...(spec.nodeOptions ?? []),
            '--cpu-prof',
            `--cpu-prof-dir=${profileDirectory}`,
            `--cpu-prof-name=${spec.name}.cpuprofile`,
          ],
        }
      : spec;
  const { fleet: fleetSpecs, oneProcess } = await planGateways(scope.environment, {
    ingressPort,
    oneProcessPort,
    mockPort,
  });
  const fleet = new Fleet({
    root: ROOT,
    onLine: (line) => (/error/i.test(line) ? process.stderr.write(`${line}\n`) : undefined),
  });
  await fleet.start([...fleetSpecs, ...oneProcess].map(withProfile));
  const origin: Record<Target, string> = {
    direct: `http://127.0.0.1:${mockPort}`,
    fleet: `http://127.0.0.1:${ingressPort}`,
    'one-process': `http://127.0.0.1:${oneProcessPort}`,
  };
  const spec = (scenario: Scenario, target: Target): RequestSpec => ({
    url: origin[target] + scenario.path,
    headers: {
      'content-type': 'application/json',
      authorization: target === 'direct' ? 'Bearer bench' : `Bearer ${MASTER_KEY}`,
      'cache-control': 'no-cache, no-store',
    },
    body: JSON.stringify(scenario.body),
    stream: scenario.stream,
    ...(scenario.contentMark ? { contentMark: scenario.contentMark } : {}),
  });
  const cpuOf = (names: string[]) => names.reduce((sum, name) => sum + cpuSeconds(fleet.pid(name)!), 0);
  const fleetServices = fleetSpecs.map((service) => service.name).filter((name) => name !== 'mock-provider');
  try {
    const scenarios = SCENARIOS.filter((scenario) => scenario.name.includes(filter));
    for (const scenario of scenarios)
      for (const target of ['direct', 'fleet', 'one-process'] as Target[])
        await generateLoad(spec(scenario, target), { concurrency: 8, durationMs: 1500, warmupMs: 0 });
    console.log(
      `${'scenario'.padEnd(38)} ${'target'.padEnd(12)} req/s   p50 ms  p99 ms  +p50   +p99   TTFT+p50  CPU µs/req`,
    );
    for (const scenario of scenarios) {
      const sorted: Partial<Record<Target, { latencies: number[]; ttfts: number[] }>> = {};
      for (const target of ['direct', 'fleet', 'one-process'] as Target[]) {
        const names = target === 'fleet' ? fleetServices : target === 'one-process' ? ['one-process'] : [];
        const cpuBefore = cpuOf(names);
        const result = await generateLoad(spec(scenario, target), {
          concurrency: scenario.concurrency,
          durationMs: seconds * 1000,
          warmupMs: 500,
        });
        const cpu = cpuOf(names) - cpuBefore;
        const latencies = [...result.latencies].sort((a, b) => a - b);
        const ttfts = [...result.ttfts].sort((a, b) => a - b);
        sorted[target] = { latencies, ttfts };
        const direct = sorted.direct!;
        const added = (values: number[], of: number[], fraction: number) =>
          target === 'direct' || !values.length
            ? ''
            : (percentile(values, fraction) - percentile(of, fraction)).toFixed(2);
        console.log(
          `${scenario.name.padEnd(38)} ${target.padEnd(12)} ${(result.requests / result.durationS).toFixed(0).padStart(5)}  ${percentile(latencies, 0.5).toFixed(2).padStart(7)} ${percentile(latencies, 0.99).toFixed(2).padStart(7)}  ${added(latencies, direct.latencies, 0.5).padStart(5)}  ${added(latencies, direct.latencies, 0.99).padStart(5)}  ${added(ttfts, direct.ttfts, 0.5).padStart(8)}  ${names.length ? ((cpu / result.requests) * 1e6).toFixed(0).padStart(9) : ''}${result.errors ? `  errors ${result.errors} (${result.firstError})` : ''}`,
        );
      }
    }
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
