import { setTimeout as sleep } from 'node:timers/promises';
import Redis from 'ioredis';
import { connect, type NatsConnection } from 'nats';
import OpenAI from 'openai';
import { eventually, TEST_MASTER_KEY, TestFleet, testInfrastructure } from '@switchyard/testing';

interface KeyInfo {
  key_id: string;
  token: string;
  key_name: string;
  key_alias: string | null;
  models: string[];
  max_budget: number | null;
  spend: number;
  total_spend: number;
  rpm_limit: number | null;
  expires: string | null;
  blocked: boolean;
}
type MintedKey = KeyInfo & { key: string };

interface Answer {
  status: number;
  headers: Headers;
  body: { error?: { message: string; type: string; code: string | null }; usage?: { prompt_tokens: number } };
}

/** The demo config caches responses: every call here must reach the provider and cost money. */
const NO_CACHE = { 'cache-control': 'no-cache, no-store' };

/** Every key the tests were handed: none may appear anywhere but in those responses. */
const handedOut: string[] = [];

describe('virtual keys: scope, budgets, rate limits, revocation (two ingress replicas)', () => {
  let fleet: TestFleet;
  let bus: NatsConnection;
  const busTraffic: string[] = [];

  beforeAll(async () => {
    fleet = await TestFleet.start({ extraIngress: 1, environment: { LOG_LEVEL: 'debug' } });
    bus = await connect({ servers: testInfrastructure().natsUrl });
    bus.subscribe(`${fleet.namespace}>`, {
      callback: (_error, message) => busTraffic.push(Buffer.from(message.data).toString('utf8')),
    });
  });

  afterAll(async () => {
    await bus?.drain();
    await fleet?.stop();
  });

  const admin = <T>(path: string, body?: unknown, baseUrl?: string) => fleet.admin<T>(path, body, baseUrl);

  async function generate(settings: Record<string, unknown>): Promise<MintedKey> {
    const minted = await admin<MintedKey>('/key/generate', settings);
    handedOut.push(minted.key);
    return minted;
  }

  async function chat(
    key: string,
    model: string,
    ask: string,
    extra: Record<string, unknown> = {},
    baseUrl = fleet.baseUrl,
  ): Promise<Answer> {
    const response = await fetch(`${baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...NO_CACHE },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: ask }], ...extra }),
    });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as Answer['body'],
    };
  }

  /** What one request costs, measured with the master key (the mock's usage is deterministic). */
  async function costOf(model: string, ask: string, extra: Record<string, unknown>): Promise<number> {
    const answer = await fetch(`${fleet.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TEST_MASTER_KEY}`,
        'content-type': 'application/json',
        ...NO_CACHE,
      },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: ask }], ...extra }),
    });
    expect(answer.status).toBe(200);
    return Number(answer.headers.get('x-litellm-response-cost'));
  }

  async function keyInfo(key: string): Promise<KeyInfo> {
    return (await admin<{ info: KeyInfo }>(`/key/info?key=${encodeURIComponent(key)}`)).info;
  }

  it('hands out sk- keys of at least 32 random bytes once, and the ledger keeps only their hash', async () => {
    const minted = await generate({ key_alias: 'first', models: ['gpt-5.4-mini'], metadata: { team: 'a' } });
    expect(minted.key).toMatch(/^sk-[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(minted.key.slice(3), 'base64url')).toHaveLength(32);
    expect(minted.key_name).toBe(`sk-...${minted.key.slice(-4)}`);
    expect(minted.token).toMatch(/^[0-9a-f]{64}$/);

    const info = await keyInfo(minted.key);
    expect(info).toMatchObject({ key_id: minted.key_id, token: minted.token, key_alias: 'first' });
    expect(info).not.toHaveProperty('key');
    const rows = await fleet.database.query<{ key_hash: string }>(
      'SELECT key_hash FROM virtual_keys WHERE key_id = $1',
      [minted.key_id],
    );
    expect(rows).toEqual([{ key_hash: minted.token }]);

    const client = new OpenAI({ apiKey: minted.key, baseURL: `${fleet.baseUrl}/v1`, maxRetries: 0 });
    const completion = await client.chat.completions.create({
      model: 'gpt-5.4-mini',
      messages: [{ role: 'user', content: 'hello with a virtual key' }],
    });
    expect(completion.choices[0].message.content).toContain('Mock reply');
    const usage = await eventually(
      () =>
        fleet.database.query<{ key_id: string }>(
          `SELECT key_id FROM usage_events WHERE key_id = $1 AND kind = 'upstream'`,
          [minted.key_id],
        ),
      (found) => found.length === 1,
      { description: 'the usage row of the virtual key' },
    );
    expect(usage[0].key_id).toBe(minted.key_id);
  });

  it('refuses a model outside the key scope with 403 naming the models it may call', async () => {
    const scoped = await generate({ models: ['gpt-5.4-mini'] });
    const refused = await chat(scoped.key, 'gpt-5.5', 'may I?');
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ type: 'permission_error', code: 'model_not_allowed' });
    expect(refused.body.error?.message).toContain('"gpt-5.5"');
    expect(refused.body.error?.message).toContain('gpt-5.4-mini');
    expect((await chat(scoped.key, 'gpt-5.4-mini', 'may I?')).status).toBe(200);
    // a router is a name of its own: the key may not reach gpt-5.4-mini through it
    expect((await chat(scoped.key, 'frontier-router', 'may I?')).status).toBe(403);
    // and the model list shows the key only what it may call
    const listed = await fetch(`${fleet.baseUrl}/v1/models`, {
      headers: { authorization: `Bearer ${scoped.key}` },
    });
    expect(((await listed.json()) as { data: { id: string }[] }).data.map((model) => model.id)).toEqual([
      'gpt-5.4-mini',
    ]);
    const hidden = await fetch(`${fleet.baseUrl}/v1/models/gpt-5.5`, {
      headers: { authorization: `Bearer ${scoped.key}` },
    });
    expect(hidden.status).toBe(404);
    await eventually(
      () =>
        fleet.database.query(
          `SELECT 1 FROM usage_events WHERE key_id = $1 AND kind = 'refusal' AND http_status = 403`,
          [scoped.key_id],
        ),
      (rows) => rows.length === 2,
      { description: 'the refusals recorded as usage rows' },
    );
  });

  it('refuses a key whose max_budget is just above one request cost after that request, naming the budget', async () => {
    const ask = 'Budget check';
    const extra = { max_tokens: 12 };
    const cost = await costOf('gpt-5.4-mini', ask, extra);
    const budget = cost * 1.5;
    const key = await generate({ models: ['gpt-5.4-mini'], max_budget: budget, key_alias: 'one-request' });

    const first = await chat(key.key, 'gpt-5.4-mini', ask, extra);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-litellm-key-max-budget')).toBe(String(budget));
    const second = await chat(key.key, 'gpt-5.4-mini', ask, extra);
    expect(second.status).toBe(429);
    expect(second.body.error).toMatchObject({ type: 'budget_exceeded', code: 'budget_exceeded' });
    expect(second.body.error?.message).toMatch(/Budget exceeded for key "one-request": its max_budget is \$/);
    expect(second.body.error?.message).toMatch(/exceed the budget by \$\d/);

    const info = await eventually(
      () => keyInfo(key.key),
      (current) => current.spend > 0,
      { description: 'the spend of the key' },
    );
    expect(info.spend).toBeCloseTo(cost, 12);
    // still refused once the ledger counted the request (not only while it was reserved)
    expect((await chat(key.key, 'gpt-5.4-mini', ask, extra)).status).toBe(429);
  });

  it('resets a budget when its budget_duration window ends', async () => {
    const ask = 'Budget window';
    const extra = { max_tokens: 12 };
    const cost = await costOf('gpt-5.4-mini', ask, extra);
    const key = await generate({ max_budget: cost * 1.5, budget_duration: '3s' });
    expect((await chat(key.key, 'gpt-5.4-mini', ask, extra)).status).toBe(200);
    const refused = await chat(key.key, 'gpt-5.4-mini', ask, extra);
    expect(refused.status).toBe(429);
    expect(refused.body.error?.message).toContain('per 3s');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(3);
    const next = await eventually(
      () => chat(key.key, 'gpt-5.4-mini', ask, extra),
      (answer) => answer.status === 200,
      { timeoutMs: 10_000, intervalMs: 500, description: 'a request in the next budget window' },
    );
    expect(next.status).toBe(200);
  });

  it('overshoots a small budget by at most the in-flight estimate under 20 concurrent requests', async () => {
    // the mock holds every answer 400 ms, so the 20 requests are in flight together
    const ask = 'Concurrent budget [[mock:{"latencyMs":400}]]';
    const extra = { max_tokens: 16 };
    const cost = await costOf('gpt-5.4-mini', ask, extra);
    const budget = cost * 5;
    const key = await generate({ models: ['gpt-5.4-mini'], max_budget: budget });

    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        chat(key.key, 'gpt-5.4-mini', ask, extra, fleet.ingressUrls[index % 2]),
      ),
    );
    const admitted = answers.filter((answer) => answer.status === 200).length;
    const refused = answers.filter((answer) => answer.status === 429);
    expect(admitted + refused.length).toBe(20);
    expect(admitted).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    const estimate = Number(/may cost up to \$([0-9.e-]+)/.exec(refused[0].body.error?.message ?? '')?.[1]);
    expect(estimate).toBeGreaterThan(0);

    const info = await eventually(
      () => keyInfo(key.key),
      (current) => Math.abs(current.spend - admitted * cost) < 1e-12,
      { description: 'the spend of every admitted request' },
    );
    expect(info.spend).toBeLessThanOrEqual(budget + estimate);
  });

  it('rpm_limit 5 allows 5 of 8 requests in a minute, with retry-after and x-ratelimit headers', async () => {
    const key = await generate({ rpm_limit: 5 });
    const answers: Answer[] = [];
    for (let index = 0; index < 8; index += 1) {
      answers.push(await chat(key.key, 'gpt-5.4-mini', `request ${index}`, {}, fleet.ingressUrls[index % 2]));
    }
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    expect(answers.slice(0, 5).map((answer) => answer.headers.get('x-ratelimit-remaining-requests'))).toEqual(
      ['4', '3', '2', '1', '0'],
    );
    for (const refused of answers.slice(5)) {
      expect(refused.body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' });
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
      expect(refused.headers.get('x-ratelimit-limit-requests')).toBe('5');
      expect(refused.headers.get('x-ratelimit-remaining-requests')).toBe('0');
      expect(refused.headers.get('x-ratelimit-reset-requests')).toMatch(/^(\d+ms|\d+s|1m0s)$/);
    }
  });

  it('max_parallel_requests 1 refuses a second request while the first runs', async () => {
    const key = await generate({ max_parallel_requests: 1 });
    const slow = chat(key.key, 'gpt-5.4-mini', 'slow one [[mock:{"latencyMs":1500}]]');
    await sleep(300);
    const second = await chat(key.key, 'gpt-5.4-mini', 'second one', {}, fleet.ingressUrls[1]);
    expect(second.status).toBe(429);
    expect(second.body.error?.message).toContain('max_parallel_requests is 1');
    expect((await slow).status).toBe(200);
    expect((await chat(key.key, 'gpt-5.4-mini', 'after it')).status).toBe(200);
  });

  it('tpm_limit refuses once the tokens of the minute are used', async () => {
    const key = await generate({ tpm_limit: 20 });
    const answers: Answer[] = [];
    for (let index = 0; index < 4; index += 1) answers.push(await chat(key.key, 'gpt-5.4-mini', 'Hello'));
    expect(answers[0].status).toBe(200);
    expect(answers[0].headers.get('x-ratelimit-limit-tokens')).toBe('20');
    const refused = answers.find((answer) => answer.status === 429);
    expect(refused?.body.error?.message).toContain('tpm_limit is 20 tokens per minute');
    expect(refused?.headers.get('x-ratelimit-remaining-tokens')).toBe('0');
  });

  it('refuses a key with 401 once it expired', async () => {
    const key = await generate({ duration: '2s' });
    expect((await chat(key.key, 'gpt-5.4-mini', 'before')).status).toBe(200);
    const expired = await eventually(
      () => chat(key.key, 'gpt-5.4-mini', 'after'),
      (answer) => answer.status !== 200,
      { timeoutMs: 10_000, description: 'the key to expire' },
    );
    expect(expired.status).toBe(401);
    expect(expired.body.error?.message).toContain('expired');
  });

  it('an update and a revocation reach both ingress replicas within one second', async () => {
    const key = await generate({});
    for (const baseUrl of fleet.ingressUrls) {
      expect((await chat(key.key, 'gpt-5.4-mini', 'warm the cache', {}, baseUrl)).status).toBe(200);
    }
    // each replica caches the key for 30 s: only keys.changed.v1 can make them see a change sooner
    await admin('/key/update', { key: key.key, models: ['gpt-5.5'] }, fleet.ingressUrls[1]);
    await sleep(1000);
    for (const baseUrl of fleet.ingressUrls) {
      expect((await chat(key.key, 'gpt-5.4-mini', 'narrowed', {}, baseUrl)).status).toBe(403);
    }
    await admin('/key/delete', { keys: [key.key] }, fleet.ingressUrls[0]);
    await sleep(1000);
    for (const baseUrl of fleet.ingressUrls) {
      const answer = await chat(key.key, 'gpt-5.5', 'revoked', {}, baseUrl);
      expect(answer.status).toBe(401);
      expect(answer.body.error?.type).toBe('authentication_error');
    }
  });

  it('blocks and unblocks a key on every replica within one second, keeping its record', async () => {
    const key = await generate({ key_alias: 'block-me' });
    for (const baseUrl of fleet.ingressUrls) {
      expect((await chat(key.key, 'gpt-5.4-mini', 'warm the cache', {}, baseUrl)).status).toBe(200);
    }
    const blocked = await admin<KeyInfo>('/key/block', { key: key.key }, fleet.ingressUrls[1]);
    expect(blocked).toMatchObject({ token: key.token, blocked: true });
    await sleep(1000);
    for (const baseUrl of fleet.ingressUrls) {
      const answer = await chat(key.key, 'gpt-5.4-mini', 'blocked', {}, baseUrl);
      expect(answer.status).toBe(401);
      expect(answer.body.error?.message).toContain('blocked');
    }
    expect((await keyInfo(key.key)).blocked).toBe(true);
    await admin('/key/unblock', { key: key.token }, fleet.ingressUrls[0]);
    await sleep(1000);
    for (const baseUrl of fleet.ingressUrls) {
      expect((await chat(key.key, 'gpt-5.4-mini', 'unblocked', {}, baseUrl)).status).toBe(200);
    }
  });

  it('regenerates a key: the old one stops working on every replica, the new one keeps the key_id', async () => {
    const original = await generate({ key_alias: 'rotate-me', max_budget: 10 });
    for (const baseUrl of fleet.ingressUrls) {
      expect((await chat(original.key, 'gpt-5.4-mini', 'old key', {}, baseUrl)).status).toBe(200);
    }
    const regenerated = await admin<MintedKey>('/key/regenerate', { key: original.key });
    handedOut.push(regenerated.key);
    expect(regenerated.key).not.toBe(original.key);
    expect(regenerated.key_id).toBe(original.key_id);
    expect(regenerated.token).not.toBe(original.token);
    await sleep(1000);
    for (const baseUrl of fleet.ingressUrls) {
      expect((await chat(original.key, 'gpt-5.4-mini', 'old key', {}, baseUrl)).status).toBe(401);
      expect((await chat(regenerated.key, 'gpt-5.4-mini', 'new key', {}, baseUrl)).status).toBe(200);
    }
  });

  it('lists and updates keys in LiteLLM shapes, and refuses unknown fields', async () => {
    const key = await generate({ key_alias: 'listed', user_id: 'user-7' });
    const tokens = await admin<{ keys: string[]; total_count: number }>('/key/list?user_id=user-7');
    expect(tokens).toMatchObject({ keys: [key.token], total_count: 1, current_page: 1, total_pages: 1 });
    const full = await admin<{ keys: KeyInfo[] }>('/key/list?key_alias=listed&return_full_object=true');
    expect(full.keys[0]).toMatchObject({ key_id: key.key_id, key_alias: 'listed' });

    const updated = await admin<KeyInfo>('/key/update', { key: key.token, max_budget: 2.5, rpm_limit: 100 });
    expect(updated).toMatchObject({
      key_id: key.key_id,
      max_budget: 2.5,
      rpm_limit: 100,
      key_alias: 'listed',
    });

    const typo = await fetch(`${fleet.baseUrl}/key/generate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ max_budgte: 5 }),
    });
    expect(typo.status).toBe(400);
    expect(((await typo.json()) as Answer['body']).error?.message).toContain("'max_budgte'");

    const asVirtualKey = await fetch(`${fleet.baseUrl}/key/list`, {
      headers: { authorization: `Bearer ${key.key}` },
    });
    expect(asVirtualKey.status).toBe(403);
  });

  it('shows no key in clear in logs, metrics, bus messages, Redis or the database', async () => {
    expect(handedOut.length).toBeGreaterThan(10);
    const places: Record<string, string> = {};
    places.logs = fleet.logs.join('\n');
    places.bus = busTraffic.join('\n');
    for (const endpoint of fleet.metricsEndpoints()) {
      const response = await fetch(endpoint.url, { headers: { authorization: `Bearer ${TEST_MASTER_KEY}` } });
      places[`metrics of ${endpoint.service}`] = await response.text();
    }
    const tables = await fleet.database.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`,
    );
    for (const { table_name } of tables) {
      const rows = await fleet.database.query<{ row: string }>(
        `SELECT t::text AS row FROM "${table_name}" t`,
      );
      places[`table ${table_name}`] = rows.map((row) => row.row).join('\n');
    }
    places.redis = await dumpRedis(fleet.redisPrefix);

    // the scan saw what it is about: key lookups on the bus, key records, budget state in Redis
    expect(places.bus).toContain('keyHash');
    expect(places['table virtual_keys']).toContain('sk-...');
    expect(places.redis).toContain('budget:{');
    for (const key of handedOut) {
      for (const [place, text] of Object.entries(places)) {
        if (text.includes(key) || text.includes(key.slice(3)))
          throw new Error(`a virtual key appears in ${place}`);
      }
    }
  });
});

async function dumpRedis(prefix: string): Promise<string> {
  const redis = new Redis(testInfrastructure().redisUrl);
  try {
    const lines: string[] = [];
    for (const name of await redis.keys(`${prefix}*`)) {
      lines.push(name);
      const type = await redis.type(name);
      if (type === 'string') lines.push(String(await redis.get(name)));
      else if (type === 'hash') lines.push(JSON.stringify(await redis.hgetall(name)));
      else if (type === 'zset') lines.push(JSON.stringify(await redis.zrange(name, 0, -1, 'WITHSCORES')));
    }
    return lines.join('\n');
  } finally {
    redis.disconnect();
  }
}
