import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect, type NatsConnection } from 'nats';
import { Client } from 'pg';
import { BusClient, BusNamespace, ensureUsageStreams, UsagePublisher } from '@switchyard/bus';
import { Streams, Subjects, type UsageEvent } from '@switchyard/contracts';
import { Fleet, freePort, type ServiceSpec } from '@switchyard/fleet';
import { makeUsageEvent } from '@switchyard/testing';

/**
 * `npm run bench:ledger`: usage events per second from JetStream into Postgres on this machine,
 * with the batch size, and the end-to-end lag (event start → committed row), with zero loss.
 *
 *   1. backlog: N events wait in the stream, then the ledger starts and drains them;
 *   2. live: the ledger runs while events are published as fast as one client can, then at a
 *      steady rate below capacity, each event stamped when it is published.
 *
 * Uses the PostgreSQL, NATS and Redis of the environment (DATABASE_URL, NATS_URL, REDIS_URL or the
 * standard local ports) with a database, namespace and Redis prefix of its own, removed at the end.
 * Options: --events N (200000), --batch N (LEDGER_BATCH_SIZE, 1000), --concurrency N (2),
 * --rate N (events/s of the steady phase, 10000), --target N (20000), --profile DIR (write the
 * ledger's CPU profile there).
 */
const ROOT = join(__dirname, '../../..');

interface Options {
  events: number;
  batch: number;
  concurrency: number;
  rate: number;
  target: number;
}

interface PhaseResult {
  phase: string;
  events: number;
  /** wall time from the first publish (or the ledger's start) until every row was there. */
  seconds: number;
  /** from the first batch of the phase to the last one (database time). */
  writingSeconds: number;
  lag: { p50: number; p99: number; max: number } | null;
  /** CPU time of the ledger process over the phase (its `process_cpu_seconds_total`). */
  ledgerCpuSeconds: number;
}

function options(): Options {
  const value = (name: string, fallback: number) => {
    const index = process.argv.indexOf(`--${name}`);
    return index >= 0 ? Number(process.argv[index + 1]) : fallback;
  };
  return {
    events: value('events', 200_000),
    batch: value('batch', 1000),
    concurrency: value('concurrency', 2),
    rate: value('rate', 10_000),
    target: value('target', 20_000),
  };
}

function profileDirectory(): string | null {
  const index = process.argv.indexOf('--profile');
  return index >= 0 ? (process.argv[index + 1] ?? null) : null;
}

async function main(): Promise<void> {
  const settings = options();
  const suffix = randomBytes(4).toString('hex');
  const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const databaseUrl = new URL(adminUrl);
  databaseUrl.pathname = `/switchyard_bench_${suffix}`;
  const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
  const namespace = new BusNamespace(`bench${suffix}.`);
  const metricsPort = await freePort();
  const ledger: ServiceSpec = {
    name: 'ledger',
    app: 'ledger',
    environment: {
      DATABASE_URL: databaseUrl.toString(),
      NATS_URL: natsUrl,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_KEY_PREFIX: `switchyard-bench-${suffix}:`,
      BUS_NAMESPACE: namespace.prefix,
      METRICS_PORT: String(metricsPort),
      LEDGER_BATCH_SIZE: String(settings.batch),
      LEDGER_WRITE_CONCURRENCY: String(settings.concurrency),
      LOG_LEVEL: 'warn',
    },
    readyUrl: `http://127.0.0.1:${metricsPort}/health/readiness`,
    nodeOptions: profileDirectory() ? ['--cpu-prof', `--cpu-prof-dir=${profileDirectory()}`] : [],
  };
  const fleet = new Fleet({ root: ROOT, onLine: (line) => console.error(line) });
  const connection = await connect({ servers: natsUrl });
  const database = new Client({ connectionString: databaseUrl.toString() });
  const results: PhaseResult[] = [];
  const published: UsageEvent[] = [];
  try {
    await ensureUsageStreams(await connection.jetstreamManager(), namespace);
    // keys to charge: a third of the events carry one, as virtual-key traffic would
    await fleet.startService(ledger);
    const bus = new BusClient(connection, namespace);
    const keyIds: string[] = [];
    for (let index = 0; index < 20; index += 1) {
      const key = await bus.request(Subjects.keysGenerate, {
        settings: { max_budget: 1_000_000, budget_duration: '30d' },
        keyHash: randomBytes(32).toString('hex'),
        keyName: 'sk-...bench',
      });
      keyIds.push(key.key_id);
    }
    await fleet.stopService('ledger');
    // the restarted ledger counts from zero: every row it reports is one of `published`
    const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    await database.connect();
    const eventOf = (index: number, startedAt: number) =>
      makeUsageEvent({
        keyId: index % 3 === 0 ? keyIds[index % keyIds.length] : null,
        startedAt: new Date(startedAt).toISOString(),
      });

    // 1. backlog
    const backlog = Array.from({ length: settings.events }, (_, index) => eventOf(index, Date.now()));
    await publishAll(connection, namespace, backlog, null);
    for (const event of backlog) published.push(event);
    const backlogStarted = performance.now();
    await fleet.startService(ledger);
    await waitForRows(database, metricsUrl, published.length);
    let cpuBefore = 0;
    const cpuOfPhase = async () => {
      const now = await metricOf(metricsUrl, CPU_SECONDS, NaN);
      const spent = now - cpuBefore;
      cpuBefore = now;
      return spent;
    };
    results.push({
      phase: 'backlog drain (ledger start included)',
      events: backlog.length,
      seconds: (performance.now() - backlogStarted) / 1000,
      writingSeconds: await writingSecondsOf(database, backlog),
      lag: null,
      ledgerCpuSeconds: await cpuOfPhase(),
    });

    // 2a. live, as fast as one publisher goes
    const burst = Array.from({ length: settings.events }, (_, index) => eventOf(index, 0));
    const burstStarted = performance.now();
    await publishAll(connection, namespace, burst, null, true);
    for (const event of burst) published.push(event);
    await waitForRows(database, metricsUrl, published.length);
    results.push({
      phase: 'live, publisher at full speed',
      events: burst.length,
      seconds: (performance.now() - burstStarted) / 1000,
      writingSeconds: await writingSecondsOf(database, burst),
      lag: await lagOf(database, burst),
      ledgerCpuSeconds: await cpuOfPhase(),
    });

    // 2b. live, steady rate
    const steadyCount = settings.rate * 10;
    const steady = Array.from({ length: steadyCount }, (_, index) => eventOf(index, 0));
    const steadyStarted = performance.now();
    await publishAll(connection, namespace, steady, settings.rate, true);
    for (const event of steady) published.push(event);
    await waitForRows(database, metricsUrl, published.length);
    results.push({
      phase: `live, ${settings.rate.toLocaleString('en-US')} events/s`,
      events: steady.length,
      seconds: (performance.now() - steadyStarted) / 1000,
      writingSeconds: await writingSecondsOf(database, steady),
      lag: await lagOf(database, steady),
      ledgerCpuSeconds: await cpuOfPhase(),
    });

    const [stored] = (
      await database.query<{ rows: string; distinct_ids: string; cost: string }>(
        'SELECT count(*) AS rows, count(DISTINCT event_id) AS distinct_ids, sum(cost_usd)::text AS cost FROM usage_events',
      )
    ).rows;
    const expectedCost = published.reduce((sum, event) => sum + (event.costUsd ?? 0), 0);
    const lost = published.length - Number(stored.distinct_ids);
    const costOk = Math.abs(Number(stored.cost) - expectedCost) < 1e-6;

    console.log(
      `Ledger ingestion (Node ${process.version}, batch ${settings.batch}, ${settings.concurrency} writers, ${published.length.toLocaleString('en-US')} events, a third charged to a key):\n`,
    );
    console.log(
      '| phase | events | wall s | events/s (wall) | writing s | events/s (writing) | ledger CPU µs/event | lag p50 | lag p99 | lag max |',
    );
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    const perSecond = (events: number, seconds: number) =>
      Math.round(events / seconds).toLocaleString('en-US');
    for (const result of results) {
      const lag = (value: number | undefined) => (value === undefined ? '-' : `${Math.round(value)} ms`);
      console.log(
        `| ${result.phase} | ${result.events.toLocaleString('en-US')} | ${result.seconds.toFixed(2)} | ${perSecond(result.events, result.seconds)} | ${result.writingSeconds.toFixed(2)} | ${perSecond(result.events, result.writingSeconds)} | ${((result.ledgerCpuSeconds * 1e6) / result.events).toFixed(1)} | ${lag(result.lag?.p50)} | ${lag(result.lag?.p99)} | ${lag(result.lag?.max)} |`,
      );
    }
    console.log(
      `\nrows: ${Number(stored.rows).toLocaleString('en-US')} for ${published.length.toLocaleString('en-US')} events published (lost: ${lost}); cost sum ${costOk ? 'matches' : 'DIFFERS'}; target ≥ ${settings.target.toLocaleString('en-US')} events/s`,
    );
    console.log(
      `ledger RSS at the end: ${Math.round((await metricOf(metricsUrl, RSS_BYTES, NaN)) / 2 ** 20)} MB`,
    );
    const drain = results[0].events / results[0].writingSeconds;
    if (lost !== 0 || !costOk || drain < settings.target) process.exitCode = 1;
  } finally {
    await fleet.stop();
    await database.end().catch(() => undefined);
    const manager = await connection.jetstreamManager();
    for (const stream of [Streams.usage, Streams.usageDeadLetter]) {
      await manager.streams.delete(namespace.name(stream.name)).catch(() => undefined);
    }
    await connection.drain();
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "switchyard_bench_${suffix}" WITH (FORCE)`);
    await admin.end();
  }
}

/**
 * Publishes with the event id as message id; `rate` null: as fast as JetStream acknowledges.
 * `stamp`: set each event's start to the moment it is published, for the lag.
 */
async function publishAll(
  connection: NatsConnection,
  namespace: BusNamespace,
  events: UsageEvent[],
  rate: number | null,
  stamp = false,
): Promise<void> {
  const publisher = new UsagePublisher(connection, namespace);
  const slice = rate === null ? 2000 : Math.max(1, Math.round(rate / 100));
  const started = performance.now();
  for (let index = 0; index < events.length; index += slice) {
    const now = new Date().toISOString();
    for (const event of events.slice(index, index + slice)) {
      if (stamp) event.startedAt = now;
      publisher.publish(event);
    }
    if (rate !== null) {
      const due = started + ((index + slice) / rate) * 1000;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
    } else {
      while (publisher.backlog > 20_000) await sleep(1);
    }
  }
  if (!(await publisher.flush(120_000))) throw new Error('JetStream did not acknowledge every event');
}

/**
 * Waits until the ledger says it has committed `expected` new rows (its `switchyard_ledger_events_total`
 * counter, read from /metrics), then checks the table once. Polling `count(*)` instead would scan
 * the growing table every few milliseconds and take a third of a core from the writers it measures.
 */
async function waitForRows(database: Client, metricsUrl: string, expected: number): Promise<void> {
  const deadline = Date.now() + 600_000;
  for (;;) {
    const written = await metricOf(metricsUrl, WRITTEN, 0);
    if (written >= expected) break;
    if (Date.now() > deadline) throw new Error(`only ${written} of ${expected} rows after 10 minutes`);
    await sleep(50);
  }
  const [row] = (await database.query<{ count: string }>('SELECT count(*) FROM usage_events')).rows;
  if (Number(row.count) < expected)
    throw new Error(`the ledger counted ${expected} rows, the table has ${row.count}`);
}

/** Samples of the ledger's /metrics this bench reads. */
const WRITTEN = /^switchyard_ledger_events_total\{[^}]*result="written"[^}]*\} (\d+)/m;
const CPU_SECONDS = /^process_cpu_seconds_total(?:\{[^}]*\})? ([\d.e+-]+)/m;
const RSS_BYTES = /^process_resident_memory_bytes(?:\{[^}]*\})? ([\d.e+-]+)/m;

/** The value of one sample of the ledger's /metrics (the first group of `sample`), or `missing`. */
async function metricOf(metricsUrl: string, sample: RegExp, missing: number): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  return Number(sample.exec(text)?.[1] ?? missing);
}

/** From the first batch that stored one of these events to the end of the last one. */
async function writingSecondsOf(database: Client, events: readonly UsageEvent[]): Promise<number> {
  const [row] = (
    await database.query<{ seconds: number }>(
      `SELECT extract(epoch FROM max(recorded_at) - min(recorded_at)) AS seconds
       FROM usage_events WHERE event_id = ANY($1::uuid[])`,
      [events.map((event) => event.eventId)],
    )
  ).rows;
  // recorded_at is when each batch began: add one batch's time for the last one
  return Number(row.seconds) + 0.05;
}

/** From each event's start (its publication) to the start of the transaction that stored it. */
async function lagOf(database: Client, events: readonly UsageEvent[]): Promise<PhaseResult['lag']> {
  const [row] = (
    await database.query<{ p50: number; p99: number; max: number }>(
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY lag) AS p50,
         percentile_cont(0.99) WITHIN GROUP (ORDER BY lag) AS p99, max(lag) AS max
       FROM (SELECT extract(epoch FROM recorded_at - started_at) * 1000 AS lag
             FROM usage_events WHERE event_id = ANY($1::uuid[])) lags`,
      [events.map((event) => event.eventId)],
    )
  ).rows;
  return { p50: Number(row.p50), p99: Number(row.p99), max: Number(row.max) };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
