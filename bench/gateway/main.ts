import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { Fleet, freePort } from '@switchyard/fleet';
import { processEnvironment } from '@switchyard/config';
import { deleteNamespaceStreams } from '@switchyard/testing';
import { BusNamespace } from '@switchyard/bus';
import { Consumers, Streams } from '@switchyard/contracts';
import { connect } from 'nats';
import { generateLoad, type LoadResult, percentile, type RequestSpec } from './load-generator';
import { MASTER_KEY, planGateways, ROOT } from './bench-scope';
import { cpuSeconds, memoryMb, trendPerSample } from './process-stats';

const UPSTREAM_LATENCY_MS = 10;
const quick = process.argv.includes('--quick');
/** `--scenario <text>`: only the scenarios whose name contains it (one at a time on a shared machine). */
const scenarioFilter = (() => {
  const index = process.argv.indexOf('--scenario');
  return index >= 0 ? (process.argv[index + 1] ?? '') : null;
})();

/**
 * `switchyard`: the fleet (one process per service); `one-process`: the same gateway as one
 * process (`npm start`), beside it on the same bus, database and mock.
 */
type TargetName =
  'direct' | 'switchyard' | 'one-process' | 'portkey' | 'switchyard (router)' | 'one-process (router)';
type Urls = Record<'direct' | 'switchyard' | 'oneProcess' | 'portkey', string>;

interface Scenario {
  name: string;
  concurrency: number;
  durationMs: number;
  stream: boolean;
  targets: TargetName[];
  /** the request each target sends. */
  request(target: TargetName): RequestSpec;
}

interface Row {
  scenario: string;
  target: TargetName;
  concurrency: number;
  requests: number;
  errors: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  ttftP50: number | null;
  ttftP99: number | null;
  addedP50: number | null;
  addedP99: number | null;
  ttftAddedP50: number | null;
  firstError: string | null;
}

const environment = processEnvironment();
const suffix = Math.random().toString(16).slice(2, 10);
const adminDatabaseUrl = environment.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const databaseUrl = (() => {
  const url = new URL(adminDatabaseUrl);
  url.pathname = `/switchyard_bench_${suffix}`;
  return url.toString();
})();

async function main(): Promise<void> {
  const started = Date.now();
  const [ingressPort, mockPort, portkeyPort, oneProcessPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const fleet = new Fleet({
    root: ROOT,
    onLine: (line) => (/error|warn/i.test(line) ? process.stderr.write(`${line}\n`) : undefined),
  });
  const benchEnvironment = {
    NATS_URL: environment.NATS_URL ?? 'nats://127.0.0.1:4222',
    REDIS_URL: environment.REDIS_URL ?? 'redis://127.0.0.1:6379',
    DATABASE_URL: databaseUrl,
    BUS_NAMESPACE: `bench${suffix}.`,
    REDIS_KEY_PREFIX: `switchyard-bench-${suffix}:`,
    LITELLM_MASTER_KEY: MASTER_KEY,
    MOCK_PROVIDER_URL: `http://127.0.0.1:${mockPort}`,
    MOCK_LATENCY_MS: String(UPSTREAM_LATENCY_MS),
    LOG_LEVEL: 'warn',
  };
  const { fleet: specs, oneProcess } = await planGateways(benchEnvironment, {
    ingressPort,
    oneProcessPort,
    mockPort,
  });
  console.log(
    `bench: starting the fleet (${specs.length} services), the one-process gateway, the mock (${UPSTREAM_LATENCY_MS} ms upstream latency) and Portkey…`,
  );
  await fleet.start([...specs, ...oneProcess]);
  const portkey = await startPortkey(portkeyPort);
  const processes: Record<string, number> = {};
  for (const name of fleet.names()) processes[name] = fleet.pid(name)!;
  processes.portkey = portkey.pid!;
  const rssSamples: Record<string, number[]> = Object.fromEntries(
    Object.keys(processes).map((name) => [name, []]),
  );
  const sampler = setInterval(() => {
    for (const [name, pid] of Object.entries(processes)) rssSamples[name].push(memoryMb(pid).rss);
  }, 1000);
  const cpuAtStart = Object.fromEntries(
    Object.entries(processes).map(([name, pid]) => [name, cpuSeconds(pid)]),
  );

  const urls = {
    direct: `http://127.0.0.1:${mockPort}/v1/chat/completions`,
    switchyard: `http://127.0.0.1:${ingressPort}/v1/chat/completions`,
    oneProcess: `http://127.0.0.1:${oneProcessPort}/v1/chat/completions`,
    portkey: `http://127.0.0.1:${portkeyPort}/v1/chat/completions`,
  };
  const rows: Row[] = [];
  let switchyardSent = 0;
  try {
    // a gateway that has been up for a while is JIT-warm: warm every target on every scenario's
    // request shape before measuring, so the first scenario does not measure start-up
    const warmupMs = quick ? 300 : 2000;
    console.log(
      `bench: warming every target up (${(warmupMs / 1000).toFixed(1)} s per scenario and target)…`,
    );
    for (const scenario of scenarios(urls)) {
      for (const target of scenario.targets) {
        const warm = await generateLoad(scenario.request(target), {
          concurrency: 8,
          durationMs: warmupMs,
          warmupMs: 0,
        });
        if (target.startsWith('switchyard') || target.startsWith('one-process')) switchyardSent += warm.sent;
      }
    }
    for (const scenario of scenarios(urls)) {
      const results = new Map<TargetName, LoadResult>();
      for (const target of scenario.targets) {
        const result = await generateLoad(scenario.request(target), {
          concurrency: scenario.concurrency,
          durationMs: scenario.durationMs,
          warmupMs: quick ? 300 : 1500,
        });
        if (target.startsWith('switchyard') || target.startsWith('one-process'))
          switchyardSent += result.sent;
        results.set(target, result);
        const row = summarize(scenario, target, result, results.get('direct'));
        rows.push(row);
        console.log(
          `  ${scenario.name.padEnd(34)} ${target.padEnd(20)} ${row.rps.toFixed(0).padStart(6)} req/s  p50 ${row.p50.toFixed(2)} ms  p99 ${row.p99.toFixed(2)} ms${row.errors ? `  errors ${row.errors} (${row.firstError})` : ''}`,
        );
      }
    }
  } finally {
    clearInterval(sampler);
  }
  const cpu = Object.fromEntries(
    Object.entries(processes).map(([name, pid]) => [name, cpuSeconds(pid) - cpuAtStart[name]]),
  );
  const memory = Object.fromEntries(
    Object.entries(processes).map(([name, pid]) => [
      name,
      {
        peakMb: memoryMb(pid).peak,
        trendMbPerMinute:
          trendPerSample(rssSamples[name].slice(Math.floor(rssSamples[name].length / 4))) * 60,
      },
    ]),
  );
  const usageRows = await waitForUsageRows(switchyardSent, `bench${suffix}.`);
  portkey.kill('SIGTERM');
  await fleet.stop();
  await dropDatabase();
  // JetStream reserves a stream's max_bytes while it exists: leave none behind on the shared server
  await deleteNamespaceStreams(environment.NATS_URL ?? 'nats://127.0.0.1:4222', `bench${suffix}.`);

  const report = {
    date: new Date().toISOString(),
    quick,
    upstreamLatencyMs: UPSTREAM_LATENCY_MS,
    machine: machine(),
    rows,
    cpu,
    memory,
    usage: { sent: switchyardSent, rows: usageRows },
    durationS: (Date.now() - started) / 1000,
  };
  const markdown = toMarkdown(report);
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  const stamp = report.date.replace(/[:.]/g, '-');
  const base = join(ROOT, 'bench/results', `${stamp}${quick ? '-quick' : ''}`);
  writeFileSync(`${base}.json`, JSON.stringify(report, null, 2));
  writeFileSync(`${base}.md`, markdown);
  console.log(
    `\n${markdown}\nbench: report written to ${base}.json and .md (${report.durationS.toFixed(0)} s)`,
  );
  if (usageRows !== switchyardSent) {
    console.error(
      `bench: ${switchyardSent} requests sent to Switchyard but ${usageRows} usage rows in Postgres`,
    );
    process.exitCode = 1;
  }
}

function scenarios(urls: Urls): Scenario[] {
  const seconds = (full: number) => (quick ? 1500 : full * 1000);
  const fixture = JSON.parse(
    readFileSync(join(ROOT, 'test/fixtures/opencode-chat-request.json'), 'utf8'),
  ) as {
    body: Record<string, unknown>;
  };
  const spec = (
    target: TargetName,
    body: Record<string, unknown>,
    stream: boolean,
    options: { cache?: boolean; responses?: boolean } = {},
  ): RequestSpec => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    // `responses`: the same targets on OpenAI's Responses API (`POST /v1/responses`) instead of
    // Chat Completions, TTFT at the first `response.output_text.delta` event
    const at = (url: string) => (options.responses ? url.replace('/chat/completions', '/responses') : url);
    const contentMark = options.responses ? { contentMark: 'response.output_text.delta' } : {};
    if (target === 'direct')
      return {
        url: at(urls.direct),
        headers: { ...headers, authorization: 'Bearer bench' },
        body: JSON.stringify(body),
        stream,
        ...contentMark,
      };
    if (target === 'portkey') {
      return {
        url: at(urls.portkey),
        headers: {
          ...headers,
          authorization: 'Bearer bench',
          'x-portkey-provider': 'openai',
          'x-portkey-custom-host': urls.direct.replace('/chat/completions', ''),
        },
        body: JSON.stringify(body),
        stream,
        ...contentMark,
      };
    }
    return {
      url: at(target.startsWith('one-process') ? urls.oneProcess : urls.switchyard),
      headers: {
        ...headers,
        authorization: `Bearer ${MASTER_KEY}`,
        ...(options.cache ? {} : { 'cache-control': 'no-cache, no-store' }),
      },
      body: JSON.stringify(body),
      stream,
      ...contentMark,
    };
  };
  const small = (model: string) => ({
    model,
    messages: [{ role: 'user', content: 'Say hello in five words' }],
    max_tokens: 64,
  });
  const three: TargetName[] = ['direct', 'switchyard', 'one-process', 'portkey'];
  // issue 17 states its targets on a 0 ms upstream: nothing sleeps between requests, so what is
  // added is the gateway's own path, not the cost of waking processes that idled 10 ms
  const instant = (content: string) => `${content} [[mock:{"latencyMs":0}]]`;
  const instantSmall = (model: string) => ({
    ...small(model),
    messages: [{ role: 'user', content: instant('Say hello in five words') }],
  });
  const streamed = (content: string) => ({
    model: 'gpt-5.4-mini',
    stream: true,
    stream_options: { include_usage: true },
    messages: [{ role: 'user', content }],
  });
  // a tier model called by name against the router that picks it, in both modes
  const directModelVsRouter = (name: string, body: (model: string) => Record<string, unknown>): Scenario => ({
    name,
    concurrency: 1,
    durationMs: seconds(10),
    stream: false,
    targets: ['direct', 'switchyard', 'switchyard (router)', 'one-process', 'one-process (router)'],
    request: (target) =>
      target.endsWith('(router)')
        ? spec(target, body('opencodego-router'), false)
        : spec(target, body(target === 'direct' ? 'deepseek-v4-flash' : 'opencode-deepseek-v4-flash'), false),
  });
  const list: Scenario[] = [
    {
      name: 'chat, 0 ms upstream, concurrency 1',
      concurrency: 1,
      durationMs: seconds(15),
      stream: false,
      targets: three,
      request: (target) => spec(target, instantSmall('gpt-5.4-mini'), false),
    },
    {
      name: 'chat, 0 ms upstream, concurrency 64',
      concurrency: 64,
      durationMs: seconds(15),
      stream: false,
      targets: three,
      request: (target) => spec(target, instantSmall('gpt-5.4-mini'), false),
    },
    {
      name: 'stream 5 chunks, 0 ms upstream, concurrency 1',
      concurrency: 1,
      durationMs: seconds(10),
      stream: true,
      targets: three,
      request: (target) =>
        spec(
          target,
          streamed('Stream a short answer [[mock:{"latencyMs":0,"chunks":5,"chunkDelayMs":0}]]'),
          true,
        ),
    },
    directModelVsRouter('direct model vs router, 0 ms upstream, concurrency 1', instantSmall),
    {
      name: 'chat, concurrency 1',
      concurrency: 1,
      durationMs: seconds(15),
      stream: false,
      targets: three,
      request: (target) => spec(target, small('gpt-5.4-mini'), false),
    },
    {
      name: 'chat, concurrency 16',
      concurrency: 16,
      durationMs: seconds(10),
      stream: false,
      targets: three,
      request: (target) => spec(target, small('gpt-5.4-mini'), false),
    },
    {
      name: 'chat, concurrency 64',
      concurrency: 64,
      durationMs: seconds(30),
      stream: false,
      targets: three,
      request: (target) => spec(target, small('gpt-5.4-mini'), false),
    },
    {
      name: 'stream 50 chunks / 10 ms, concurrency 8',
      concurrency: 8,
      durationMs: seconds(10),
      stream: true,
      targets: three,
      request: (target) =>
        spec(target, streamed('Stream a long answer [[mock:{"chunks":50,"chunkDelayMs":10}]]'), true),
    },
    {
      // the chat stream's 50 chunks 10 ms apart, as a streamed Responses request: the gateway calls
      // the OpenAI deployment on its native /v1/responses, direct is the mock's /v1/responses
      name: 'responses stream 50 chunks / 10 ms, concurrency 8',
      concurrency: 8,
      durationMs: seconds(10),
      stream: true,
      targets: three,
      request: (target) =>
        spec(
          target,
          {
            model: 'gpt-5.4-mini',
            stream: true,
            input: 'Stream a long answer [[mock:{"chunks":50,"chunkDelayMs":10}]]',
          },
          true,
          { responses: true },
        ),
    },
    {
      name: 'OpenCode request (31 KB, stream), concurrency 8',
      concurrency: 8,
      durationMs: seconds(10),
      stream: true,
      targets: three,
      request: (target) =>
        spec(
          target,
          {
            ...fixture.body,
            model: target === 'direct' || target === 'portkey' ? 'deepseek-v4-flash' : 'opencodego-router',
          },
          true,
        ),
    },
    {
      name: 'cache hits, concurrency 16',
      concurrency: 16,
      durationMs: seconds(10),
      stream: false,
      targets: ['direct', 'switchyard', 'one-process'],
      request: (target) => spec(target, small('gpt-5.4'), false, { cache: true }),
    },
    directModelVsRouter('direct model vs router, concurrency 1', small),
  ];
  return scenarioFilter === null ? list : list.filter((scenario) => scenario.name.includes(scenarioFilter));
}

function summarize(
  scenario: Scenario,
  target: TargetName,
  result: LoadResult,
  direct: LoadResult | undefined,
): Row {
  const latencies = [...result.latencies].sort((left, right) => left - right);
  const ttfts = [...result.ttfts].sort((left, right) => left - right);
  const directLatencies = direct ? [...direct.latencies].sort((left, right) => left - right) : null;
  const directTtfts = direct ? [...direct.ttfts].sort((left, right) => left - right) : null;
  const added = (fraction: number) =>
    directLatencies && target !== 'direct'
      ? percentile(latencies, fraction) - percentile(directLatencies, fraction)
      : null;
  return {
    scenario: scenario.name,
    target,
    concurrency: scenario.concurrency,
    requests: result.requests,
    errors: result.errors,
    rps: result.requests / result.durationS,
    p50: percentile(latencies, 0.5),
    p95: percentile(latencies, 0.95),
    p99: percentile(latencies, 0.99),
    ttftP50: ttfts.length ? percentile(ttfts, 0.5) : null,
    ttftP99: ttfts.length ? percentile(ttfts, 0.99) : null,
    addedP50: added(0.5),
    addedP99: added(0.99),
    ttftAddedP50:
      directTtfts?.length && ttfts.length && target !== 'direct'
        ? percentile(ttfts, 0.5) - percentile(directTtfts, 0.5)
        : null,
    firstError: result.firstError,
  };
}

async function startPortkey(port: number): Promise<ChildProcess> {
  // portkey-headers-shim: Portkey 1.15.2's streaming fails on Node 20 without it (see the shim)
  const child = spawn(
    process.execPath,
    [
      '--require',
      join(__dirname, 'portkey-headers-shim.js'),
      join(ROOT, 'node_modules/@portkey-ai/gateway/build/start-server.js'),
      `--port=${port}`,
      '--headless',
    ],
    {
      env: { ...environment, NODE_ENV: 'production' },
      stdio: ['ignore', 'ignore', environment.BENCH_PORTKEY_LOG ? 'inherit' : 'ignore'],
    },
  );
  for (let waited = 0; waited < 20_000; waited += 200) {
    try {
      await fetch(`http://127.0.0.1:${port}/`);
      return child;
    } catch {
      await sleep(200);
    }
  }
  child.kill();
  throw new Error('Portkey did not start');
}

/**
 * The usage rows of the run once every request has its row, or once no row has come for 10 s and
 * the ledger's durable consumer has nothing left to deliver or acknowledge. While the consumer
 * still holds messages the rows are late, not lost: it waits on (up to 2 minutes without a new
 * row) and says so, so that a lagging ledger is told apart from a lost row.
 */
async function waitForUsageRows(expected: number, namespace: string): Promise<number> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const bus = await connect({ servers: environment.NATS_URL ?? 'nats://127.0.0.1:4222' });
  const names = new BusNamespace(namespace);
  try {
    const jetstream = await bus.jetstreamManager();
    const backlog = async () => {
      const info = await jetstream.consumers.info(
        names.name(Streams.usage.name),
        names.name(Consumers.ledger),
      );
      return {
        pending: info.num_pending,
        unacknowledged: info.num_ack_pending,
        redelivered: info.num_redelivered,
      };
    };
    let count = -1;
    let stableSince = Date.now();
    let reported = false;
    for (;;) {
      const rows = Number(
        (await client.query<{ count: string }>('SELECT count(*) FROM usage_events')).rows[0].count,
      );
      if (rows !== count) stableSince = Date.now();
      count = rows;
      if (count >= expected) return count;
      const still = Date.now() - stableSince;
      if (still > 10_000) {
        const state = await backlog();
        const holding = state.pending + state.unacknowledged > 0;
        if (!holding || still > 120_000) {
          console.error(
            `bench: ${count} usage rows of ${expected} after ${(still / 1000).toFixed(0)} s without a new one; the ledger consumer holds ${state.pending} pending and ${state.unacknowledged} unacknowledged messages (${state.redelivered} redelivered)`,
          );
          return count;
        }
        if (!reported) {
          console.error(
            `bench: ${count} usage rows of ${expected}, none for 10 s, but the ledger consumer still holds ${state.pending} pending and ${state.unacknowledged} unacknowledged messages (${state.redelivered} redelivered): waiting`,
          );
          reported = true;
        }
      }
      await sleep(250);
    }
  } finally {
    await client.end();
    await bus.close();
  }
}

async function dropDatabase(): Promise<void> {
  const client = new Client({ connectionString: adminDatabaseUrl });
  await client.connect();
  await client
    .query(`DROP DATABASE IF EXISTS "switchyard_bench_${suffix}" WITH (FORCE)`)
    .catch(() => undefined);
  await client.end();
}

function machine(): string {
  const cpuModel = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown CPU';
  return `${cpuModel}, ${readFileSync('/proc/cpuinfo', 'utf8').match(/^processor/gm)?.length ?? '?'} cores, Node ${process.version}`;
}

function toMarkdown(report: {
  date: string;
  quick: boolean;
  upstreamLatencyMs: number;
  machine: string;
  rows: Row[];
  cpu: Record<string, number>;
  memory: Record<string, { peakMb: number; trendMbPerMinute: number }>;
  usage: { sent: number; rows: number };
}): string {
  const ms = (value: number | null) => (value === null || Number.isNaN(value) ? '–' : value.toFixed(2));
  const lines = [
    `## Switchyard benchmark ${report.date}${report.quick ? ' (quick)' : ''}`,
    '',
    `${report.machine}; mock upstream latency ${report.upstreamLatencyMs} ms; whole fleet ("switchyard"), the one-process gateway ("one-process", one Node process), Postgres, Redis, NATS, Portkey and the load generator on the same machine.`,
    '',
    '| scenario | target | req/s | p50 ms | p95 ms | p99 ms | added p50 | added p99 | TTFT p50 | TTFT added p50 | errors |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...report.rows.map(
      (row) =>
        `| ${row.scenario} | ${row.target} | ${row.rps.toFixed(0)} | ${ms(row.p50)} | ${ms(row.p95)} | ${ms(row.p99)} | ${ms(row.addedP50)} | ${ms(row.addedP99)} | ${ms(row.ttftP50)} | ${ms(row.ttftAddedP50)} | ${row.errors} |`,
    ),
    '',
    '| service | CPU s | peak RSS MB | RSS trend MB/min |',
    '|---|---:|---:|---:|',
    ...Object.keys(report.cpu).map(
      (name) =>
        `| ${name} | ${report.cpu[name].toFixed(1)} | ${report.memory[name].peakMb.toFixed(0)} | ${report.memory[name].trendMbPerMinute.toFixed(2)} |`,
    ),
    '',
    `Usage rows in Postgres: ${report.usage.rows} for ${report.usage.sent} requests sent to Switchyard${report.usage.rows === report.usage.sent ? ' (equal)' : ' (NOT equal)'}.`,
  ];
  return lines.join('\n');
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
