import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import Redis from 'ioredis';
import { BudgetRedisKeys } from '@switchyard/contracts';
import {
  eventually,
  hostPort,
  MockControl,
  type MockRequestEntry,
  TcpProxy,
  TEST_MASTER_KEY,
  TestFleet,
  testInfrastructure,
  writeTestConfig,
} from '@switchyard/testing';

interface MintedKey {
  key: string;
  key_id: string;
}

interface LimitState {
  parallel: number;
  reservedUsd: number;
  reservations: number;
}

interface Tally {
  upstreamCalls: number;
  usageRows: number;
}

const NO_CACHE = { 'cache-control': 'no-store' };

/**
 * Disconnect chaos: a key with a budget and `max_parallel_requests: 2` whose calls are abandoned at
 * every stage (before the first byte, mid-stream, during the dispatcher's retry wait, during a
 * fallback) and admitted while Redis answers later than the client's 500 ms command timeout.
 * Afterwards the key holds no parallel slot and no reservation (read through the code's own Redis
 * key layout), and every upstream call in the mock provider's log has its usage row.
 */
describe('Disconnect chaos', () => {
  let fleet: TestFleet;
  let mock: MockControl;
  let redis: Redis;
  let redisProxy: TcpProxy;
  let budgeted: MintedKey;
  const figures: Record<string, LimitState & Tally> = {};

  beforeAll(async () => {
    const infrastructure = testInfrastructure();
    redisProxy = await TcpProxy.start(hostPort(infrastructure.redisUrl, 6379));
    const configPath = writeTestConfig((document) => {
      document.router_settings = {
        fallbacks: [{ 'gpt-5.5': ['gpt-5.4'] }],
        // failures must not cool deployments down between the scenarios
        allowed_fails: 1000,
        cooldown_time: 1,
        num_retries: 2,
      };
    });
    fleet = await TestFleet.start({
      configPath,
      environment: { REDIS_URL: redisProxy.proxiedUrl(infrastructure.redisUrl) },
    });
    mock = new MockControl(fleet.mockUrl);
    redis = new Redis(infrastructure.redisUrl, { keyPrefix: fleet.redisPrefix });
    budgeted = await generateKey({ max_budget: 50, max_parallel_requests: 2 });
  });

  afterEach(async () => {
    redisProxy.latencyMs = 0;
    await mock.reset();
  });

  afterAll(async () => {
    // the figures of this run, for docs/reliability.md
    process.stdout.write(`disconnect chaos figures: ${JSON.stringify(figures)}\n`);
    redis?.disconnect();
    await fleet?.stop();
    await redisProxy?.close();
  });

  async function generateKey(settings: Record<string, unknown>): Promise<MintedKey> {
    const response = await fetch(`${fleet.baseUrl}/key/generate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(settings),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as MintedKey;
  }

  function send(key: MintedKey, body: Record<string, unknown>, signal?: AbortSignal): Promise<Response> {
    return fetch(`${fleet.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      signal,
      headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json', ...NO_CACHE },
      body: JSON.stringify(body),
    });
  }

  async function limitState(key: MintedKey): Promise<LimitState> {
    const [parallel, total, reservations] = await Promise.all([
      redis.zcard(BudgetRedisKeys.parallel(key.key_id)),
      redis.get(BudgetRedisKeys.reservedTotal(key.key_id)),
      redis.hlen(BudgetRedisKeys.reserved(key.key_id)),
    ]);
    return { parallel, reservedUsd: Number(total ?? '0'), reservations };
  }

  /** waits until the key holds nothing (settled costs are released once the ledger counted them). */
  async function limitsReleased(key: MintedKey): Promise<LimitState> {
    return eventually(
      () => limitState(key),
      (state) => state.parallel === 0 && state.reservations === 0 && Math.abs(state.reservedUsd) < 1e-9,
      { timeoutMs: 20_000, description: `key ${key.key_id} to hold no slot and no reservation` },
    );
  }

  async function upstreamCallsOf(tag: string): Promise<MockRequestEntry[]> {
    return (await mock.requests()).filter(
      (entry) => entry.endpoint === 'chat' && JSON.stringify(entry.body).includes(tag),
    );
  }

  /** every upstream call the mock saw for `tag` has its usage row (the ledger may lag: waits). */
  async function tally(tag: string): Promise<Tally> {
    const upstreamCalls = (await upstreamCallsOf(tag)).length;
    const rows = await eventually(
      () =>
        fleet.database.query<{ count: string }>(
          `SELECT count(*) FROM usage_events WHERE end_user = $1 AND kind = 'upstream'`,
          [tag],
        ),
      (result) => Number(result[0].count) >= upstreamCalls,
      { timeoutMs: 20_000, description: `usage rows of ${tag}` },
    );
    return { upstreamCalls, usageRows: Number(rows[0].count) };
  }

  async function untilUpstreamSees(tag: string, count = 1, model?: string): Promise<void> {
    await eventually(
      () => upstreamCallsOf(tag),
      (entries) => entries.filter((entry) => model === undefined || entry.model === model).length >= count,
      { timeoutMs: 20_000, description: `the mock to receive ${tag}` },
    );
  }

  async function settledFigures(name: string, tag: string): Promise<void> {
    const state = await limitsReleased(budgeted);
    const counts = await tally(tag);
    figures[name] = { ...state, ...counts };
    expect(counts.upstreamCalls).toBeGreaterThan(0);
    expect(counts.usageRows).toBe(counts.upstreamCalls);
  }

  it('an abort before the first byte releases the slot and the reservation and records the cancelled call', async () => {
    const tag = `before-first-byte-${randomUUID()}`;
    const abort = new AbortController();
    const pending = send(
      budgeted,
      {
        model: 'gpt-5.4-mini',
        stream: true,
        user: tag,
        messages: [{ role: 'user', content: `${tag} [[mock:{"latencyMs":4000}]]` }],
      },
      abort.signal,
    ).catch((error: unknown) => error);
    await untilUpstreamSees(tag);
    expect((await limitState(budgeted)).parallel).toBe(1);
    abort.abort();
    expect(await pending).toMatchObject({ name: 'AbortError' });
    await settledFigures('abort before the first byte', tag);
  });

  it('an abort mid-stream releases the slot and the reservation and records the partial usage', async () => {
    const tag = `mid-stream-${randomUUID()}`;
    const abort = new AbortController();
    const response = await send(
      budgeted,
      {
        model: 'gpt-5.4-mini',
        stream: true,
        user: tag,
        messages: [{ role: 'user', content: `${tag} [[mock:{"chunks":40,"chunkDelayMs":150}]]` }],
      },
      abort.signal,
    );
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    await reader.read();
    abort.abort();
    await reader.read().catch(() => undefined);
    await settledFigures('abort mid-stream', tag);
  });

  it("an abort during the dispatcher's retry wait releases everything and records the failed attempt", async () => {
    const tag = `retry-wait-${randomUUID()}`;
    const abort = new AbortController();
    const pending = send(
      budgeted,
      {
        model: 'gpt-5.4-mini',
        user: tag,
        messages: [{ role: 'user', content: `${tag} [[mock:{"status":429,"retryAfter":5}]]` }],
      },
      abort.signal,
    ).catch((error: unknown) => error);
    await untilUpstreamSees(tag);
    await sleep(300); // the dispatcher is now waiting out the retry-after
    abort.abort();
    expect(await pending).toMatchObject({ name: 'AbortError' });
    await settledFigures('abort during a retry wait', tag);
  });

  it('an abort during a fallback releases everything and records every attempt of both models', async () => {
    const tag = `fallback-${randomUUID()}`;
    await mock.setFaults([
      { match: { model: 'gpt-5.5' }, fault: { status: 503 } },
      { match: { model: 'gpt-5.4' }, fault: { latencyMs: 4000 } },
    ]);
    const abort = new AbortController();
    const pending = send(
      budgeted,
      { model: 'gpt-5.5', stream: true, user: tag, messages: [{ role: 'user', content: tag }] },
      abort.signal,
    ).catch((error: unknown) => error);
    await untilUpstreamSees(tag, 1, 'gpt-5.4');
    abort.abort();
    expect(await pending).toMatchObject({ name: 'AbortError' });
    await settledFigures('abort during a fallback', tag);
    expect(figures['abort during a fallback'].upstreamCalls).toBe(4); // 3 tries of gpt-5.5, 1 of gpt-5.4
  });

  it('after every kind of abort, the key still runs two calls at once', async () => {
    const tags = [randomUUID(), randomUUID()];
    const answers = await Promise.all(
      tags.map((tag) =>
        send(budgeted, { model: 'gpt-5.4-mini', user: tag, messages: [{ role: 'user', content: tag }] }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    await limitsReleased(budgeted);
  });

  it('a dispatcher stalled for 6 s: its attempt is cancelled and reserved apart, the call answered once, nothing left reserved', async () => {
    const tag = `stalled-${randomUUID()}`;
    const pid = fleet.fleet.pid('dispatcher-openai')!;
    process.kill(pid, 'SIGSTOP');
    let resumed = false;
    const resume = setTimeout(() => {
      process.kill(pid, 'SIGCONT');
      resumed = true;
    }, 6000);
    try {
      const answer = await send(budgeted, {
        model: 'gpt-5.4-mini',
        user: tag,
        messages: [{ role: 'user', content: tag }],
      });
      expect(answer.status).toBe(200);
    } finally {
      clearTimeout(resume);
      if (!resumed) process.kill(pid, 'SIGCONT');
    }
    const rows = await eventually(
      () =>
        fleet.database.query<{ attempt: number; status: string }>(
          `SELECT attempt, status FROM usage_events WHERE end_user = $1 AND kind = 'upstream' ORDER BY attempt`,
          [tag],
        ),
      (found) => found.length >= 2,
      { timeoutMs: 20_000, description: `both attempts of ${tag} recorded` },
    );
    // the stalled attempt was cancelled when the dispatcher woke up: paid once, not twice
    expect(rows.filter((row) => row.status === 'success')).toEqual([{ attempt: 1, status: 'success' }]);
    const state = await limitsReleased(budgeted);
    const upstreamCalls = (await upstreamCallsOf(tag)).length;
    figures['dispatcher stalled 6 s'] = { ...state, upstreamCalls, usageRows: rows.length };
    expect(rows.length).toBeGreaterThanOrEqual(upstreamCalls);
  });

  it('admissions answered later than the 500 ms Redis timeout leak no slot and no reservation', async () => {
    const tag = `slow-redis-${randomUUID()}`;
    const slowKey = await generateKey({ max_budget: 50, max_parallel_requests: 2 });
    redisProxy.latencyMs = 700;
    const statuses: number[] = [];
    for (let index = 0; index < 4; index += 1) {
      const answer = await send(slowKey, {
        model: 'gpt-5.4-mini',
        user: tag,
        messages: [{ role: 'user', content: `${tag} ${index}` }],
      });
      statuses.push(answer.status);
      await answer.arrayBuffer();
    }
    // a budget that cannot be checked in time is refused (503), never waved through
    expect(statuses).toEqual([503, 503, 503, 503]);
    redisProxy.latencyMs = 0;
    const state = await limitsReleased(slowKey);
    figures['Redis answering after 700 ms'] = { ...state, ...(await tally(tag)) };
    expect((await upstreamCallsOf(tag)).length).toBe(0);
  });

  it('a key scoped to one model is never answered by its fallback', async () => {
    const tag = `scoped-${randomUUID()}`;
    const scoped = await generateKey({ models: ['gpt-5.5'], max_budget: 50 });
    await mock.setFaults([{ match: { model: 'gpt-5.5' }, fault: { status: 503 } }]);
    const answer = await send(scoped, {
      model: 'gpt-5.5',
      user: tag,
      messages: [{ role: 'user', content: tag }],
    });
    expect(answer.status).toBe(503);
    const models = (await upstreamCallsOf(tag)).map((entry) => entry.model);
    expect(models).toEqual(['gpt-5.5', 'gpt-5.5', 'gpt-5.5']);
    await limitsReleased(scoped);
  });
});
