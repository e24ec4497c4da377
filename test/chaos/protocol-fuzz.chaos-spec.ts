import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { MockControl, TEST_MASTER_KEY, TestFleet, writeTestConfig } from '@switchyard/testing';

/**
 * Protocol fuzz: 10,000 generated requests (fast-check, fixed seed) over every public route of
 * both surfaces: random methods, auth (none, wrong, malformed, virtual, master; Bearer or
 * x-api-key), content types, truncated or junk bodies, every field of a valid body replaced by a
 * value of the wrong type, huge numbers, unicode junk. The mock upstream fails for one model only
 * (gpt-5.4, 500), so every answer must be a documented status with its surface's error envelope,
 * a 5xx only for a request that may reach that model, no hang, no service restarted, and the
 * ingress's memory flat after a warm-up.
 */

const SEED = 20261205;
const REQUESTS = 10_000;
const WARM_UP = 1_000;
const CONCURRENCY = 16;
const RSS_GROWTH_LIMIT_MB = 50;
const ALIAS = 'мини-🚀';

/** Every status a client can get from the gateway while its upstream is healthy (README "Errors"). */
const DOCUMENTED = new Set([200, 400, 401, 403, 404, 405, 413, 414, 415, 422, 429]);
/** The one model whose upstream is made to fail (500); a router may pick it too. */
const FAILING_MODEL = 'gpt-5.4';
/** What a request that may reach it can get besides: the upstream's failure or the gateway's word for it. */
const UPSTREAM_FAILURES = new Set([500, 502, 503, 504]);

interface FuzzCase {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

interface Failure {
  reason: string;
  request: FuzzCase;
  status: number;
  body: string;
}

const isAnthropicRoute = (path: string) => /^\/(v1\/)?messages(\/|\?|$)/.test(path);

// ---------------------------------------------------------------- generators

const junkString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.constantFrom(
    '',
    '\u0000',
    '\ud800',
    'ａｂｃ',
    '\u202e\u0301',
    'x'.repeat(3000),
    '[[mock:{"status":200}]]',
  ),
);
const hugeNumber = fc.constantFrom(
  1e308,
  -1e308,
  2 ** 64,
  Number.MAX_SAFE_INTEGER + 2,
  -1,
  0,
  -0,
  1.5,
  5e-324,
);
const junkValue: fc.Arbitrary<unknown> = fc.oneof(
  junkString,
  hugeNumber,
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 2 }),
  fc.constant([]),
  fc.constant({}),
);
const model = fc.constantFrom(
  'gpt-5.4-mini',
  FAILING_MODEL,
  'claude-haiku-4-5',
  'frontier-router',
  'text-embedding-3-small',
  ALIAS,
  'no-such-model',
  '',
);
const message = fc.oneof(
  fc.record({ role: fc.constantFrom('user', 'assistant', 'system'), content: fc.constant('fuzz') }),
  fc.record({ role: fc.constantFrom('user', 'tool', 'developer', 'robot'), content: junkValue }),
  fc.constant({ role: 'user', content: [{ type: 'text', text: 'fuzz' }] }),
  fc.constant({ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:,' } }] }),
);
const chatBody = fc.record(
  {
    model,
    messages: fc.array(message, { minLength: 1, maxLength: 3 }),
    stream: fc.boolean(),
    max_tokens: fc.integer({ min: 1, max: 64 }),
    temperature: fc.double({ min: 0, max: 2, noNaN: true }),
    user: junkString,
    metadata: fc.dictionary(fc.string({ maxLength: 8 }), junkString, { maxKeys: 3 }),
  },
  { requiredKeys: ['model', 'messages'] },
);
const anthropicBody = fc.record(
  {
    model,
    max_tokens: fc.integer({ min: 1, max: 64 }),
    messages: fc.array(message, { minLength: 1, maxLength: 3 }),
    stream: fc.boolean(),
    system: fc.oneof(fc.constant('be brief'), junkValue),
    metadata: fc.record({ user_id: junkString }),
  },
  { requiredKeys: ['model', 'messages'] },
);
const embeddingBody = fc.record(
  {
    model,
    input: fc.oneof(fc.constant('fuzz'), fc.array(fc.constant('fuzz'), { maxLength: 3 }), junkValue),
    encoding_format: fc.constantFrom('float', 'base64', 'hex'),
    dimensions: fc.integer({ min: -2, max: 4096 }),
  },
  { requiredKeys: ['model', 'input'] },
);
const keyBody = fc.record(
  {
    models: fc.array(fc.oneof(model, junkString), { maxLength: 3 }),
    key: fc.oneof(fc.constant('sk-not-a-key'), junkString),
    keys: fc.array(fc.oneof(fc.constant('sk-not-a-key'), junkString), { maxLength: 2 }),
    max_budget: fc.oneof(hugeNumber, fc.double()),
    rpm_limit: fc.oneof(hugeNumber, fc.integer()),
    duration: fc.constantFrom('30d', '1h', 'forever', '-1s', ''),
    key_alias: junkString,
    metadata: fc.jsonValue({ maxDepth: 2 }),
  },
  { requiredKeys: [] },
);

interface Route {
  method: string;
  paths: string[];
  body?: fc.Arbitrary<Record<string, unknown>>;
}

const ROUTES: Route[] = [
  { method: 'POST', paths: ['/v1/chat/completions', '/chat/completions'], body: chatBody },
  { method: 'POST', paths: ['/v1/completions', '/completions'], body: chatBody },
  { method: 'POST', paths: ['/v1/embeddings', '/embeddings'], body: embeddingBody },
  { method: 'POST', paths: ['/v1/messages', '/messages'], body: anthropicBody },
  { method: 'POST', paths: ['/v1/messages/count_tokens', '/messages/count_tokens'], body: anthropicBody },
  { method: 'POST', paths: ['/v1/route/explain', '/route/explain'], body: chatBody },
  { method: 'GET', paths: ['/v1/models', '/models', '/v1/model/info', '/model/info'] },
  {
    method: 'GET',
    paths: [
      '/v1/models/gpt-5.4-mini',
      '/v1/models/no-such',
      `/v1/models/${encodeURIComponent(ALIAS)}`,
      `/v1/models/${'m'.repeat(150)}`,
      '/v1/messages/%ff',
    ],
  },
  {
    method: 'POST',
    paths: ['/key/generate', '/key/update', '/key/block', '/key/unblock', '/key/delete', '/key/regenerate'],
    body: keyBody,
  },
  { method: 'POST', paths: ['/key/sk-not-a-key/regenerate', '/cache/delete'], body: keyBody },
  {
    method: 'GET',
    paths: [
      '/key/info?key=sk-not-a-key',
      '/key/info',
      '/key/list?page=-1&size=1e9',
      '/spend/logs?start_date=yesterday',
      '/spend/logs?limit=99999999999',
      '/spend/report?group_by=%00',
      '/spend/report',
      '/cache/ping',
      '/integrations/opencode',
    ],
  },
  {
    method: 'GET',
    paths: ['/health/liveness', '/health/liveliness', '/health/readiness', '/health', '/metrics'],
  },
  { method: 'GET', paths: ['/v1/unknown', '/%ff', '/v1/chat/completions/extra', '/' + 'a'.repeat(2000)] },
];

const authHeaders = (virtualKey: string) =>
  fc.constantFrom<Record<string, string>>(
    { authorization: `Bearer ${TEST_MASTER_KEY}` },
    { 'x-api-key': TEST_MASTER_KEY },
    { authorization: `Bearer ${virtualKey}` },
    { 'x-api-key': virtualKey, 'anthropic-version': '2023-06-01' },
    {},
    { authorization: 'Bearer sk-wrong-0123456789abcdef' },
    { authorization: 'Bearer' },
    { authorization: 'Basic dXNlcjpwYXNz' },
    { 'x-api-key': 'not-a-key' },
  );

const contentType = fc.constantFrom(
  'application/json',
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  '',
);

/** Headers the gateway reads besides auth: session affinity, cache control, Anthropic's. */
const extraHeaders = fc.constantFrom<Record<string, string>>(
  {},
  {},
  {},
  { 'x-session-id': '\u00e9'.repeat(300) },
  { 'x-session-affinity': '' },
  { 'cache-control': 'no-cache, no-store, max-age=-1' },
  { 'cache-control': 's-maxage=99999999999999999999' },
  { 'anthropic-version': '\u00ff\u00fe' },
  { 'anthropic-beta': 'x'.repeat(5000) },
  { 'content-encoding': 'gzip' },
  { accept: 'text/event-stream' },
);

/** A query string of junk (well-formed UTF-16, so it can be percent-encoded). */
const junkQuery = fc.oneof(
  { arbitrary: fc.constant(''), weight: 3 },
  {
    arbitrary: fc
      .tuple(
        fc.constantFrom('key', 'start_date', 'end_date', 'group_by', 'page', 'size', 'model', 'beta', 'x'),
        fc.oneof(fc.string({ unit: 'grapheme', maxLength: 20 }), fc.constantFrom('-1', '1e999', 'NaN', '[]')),
      )
      .map(([name, value]) => `${name}=${encodeURIComponent(value)}`),
    weight: 1,
  },
);

/** A valid body of the route, a body with one field broken, or bytes that are not that body. */
function bodyText(base: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<string | undefined> {
  const field = fc.constantFrom(
    'model',
    'messages',
    'stream',
    'max_tokens',
    'input',
    'user',
    'metadata',
    'tools',
    'n',
    'stop',
    'response_format',
    'stream_options',
    'system',
    'cache',
  );
  return fc.oneof(
    { arbitrary: base.map((body) => JSON.stringify(body)), weight: 4 },
    {
      arbitrary: fc
        .tuple(base, field, junkValue)
        .map(([body, name, value]) => JSON.stringify({ ...body, [name]: value })),
      weight: 4,
    },
    {
      arbitrary: fc.tuple(base, field).map(([body, name]) => {
        const copy = { ...body };
        delete copy[name];
        return JSON.stringify(copy);
      }),
      weight: 1,
    },
    {
      arbitrary: fc.tuple(base, fc.nat()).map(([body, cut]) => {
        const text = JSON.stringify(body);
        return text.slice(0, cut % Math.max(1, text.length));
      }),
      weight: 2,
    },
    {
      arbitrary: fc.oneof(
        junkString,
        fc.constantFrom(
          'null',
          '[]',
          '1e999',
          '"text"',
          '{"model":',
          '[[[[[[[[[[[[[[[[[[[[',
          '{}'.repeat(50),
        ),
      ),
      weight: 2,
    },
    { arbitrary: fc.constant(undefined), weight: 1 },
  );
}

function fuzzCase(virtualKey: string): fc.Arbitrary<FuzzCase> {
  return fc
    .tuple(
      fc.constantFrom(...ROUTES),
      fc.nat(),
      fc.oneof(
        { arbitrary: fc.constant(null), weight: 9 },
        { arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'), weight: 1 },
      ),
      authHeaders(virtualKey),
      contentType,
      extraHeaders,
      junkQuery,
    )
    .chain(([route, pathIndex, otherMethod, auth, type, extra, query]) => {
      const method = otherMethod ?? route.method;
      const routePath = route.paths[pathIndex % route.paths.length];
      const path = query === '' ? routePath : `${routePath}${routePath.includes('?') ? '&' : '?'}${query}`;
      const carriesBody = method !== 'GET' && method !== 'HEAD';
      const body = carriesBody && route.body ? bodyText(route.body) : fc.constant(undefined);
      return body.map((text) => ({
        method,
        path,
        headers: {
          ...extra,
          ...auth,
          ...(text !== undefined && type !== '' ? { 'content-type': type } : {}),
        },
        body: text,
      }));
    });
}

// ---------------------------------------------------------------- checks

/** Why this answer breaks the contract, or null. */
function violation(
  request: FuzzCase,
  status: number,
  contentTypeHeader: string,
  body: string,
): string | null {
  if (!DOCUMENTED.has(status) && !(UPSTREAM_FAILURES.has(status) && mayReachFailingModel(request)))
    return `status ${status} is not a documented status`;
  if (request.method === 'HEAD') return null;
  if (status >= 400) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return 'an error that is not JSON';
    }
    return isAnthropicRoute(request.path) ? anthropicEnvelopeProblem(parsed) : openAIEnvelopeProblem(parsed);
  }
  if (contentTypeHeader.startsWith('text/event-stream')) {
    if (/"type":"error"|^data: \{"error"/m.test(body)) return 'a stream that ended with an error event';
    return null;
  }
  if (contentTypeHeader.startsWith('application/json')) {
    try {
      JSON.parse(body);
    } catch {
      return 'a 200 whose JSON body does not parse';
    }
  }
  return null;
}

/** Whether the request names the failing model, or a router that may pick it. */
function mayReachFailingModel(request: FuzzCase): boolean {
  try {
    const model = (JSON.parse(request.body ?? 'null') as { model?: unknown } | null)?.model;
    return model === FAILING_MODEL || model === 'frontier-router';
  } catch {
    return false;
  }
}

function openAIEnvelopeProblem(parsed: unknown): string | null {
  const error = (parsed as { error?: Record<string, unknown> } | null)?.error;
  if (!error || typeof error !== 'object') return 'an error without the OpenAI envelope';
  if (typeof error.message !== 'string' || typeof error.type !== 'string')
    return 'OpenAI error without message/type';
  if (!('param' in error) || !('code' in error)) return 'OpenAI error without param/code';
  return null;
}

function anthropicEnvelopeProblem(parsed: unknown): string | null {
  const envelope = parsed as { type?: unknown; error?: Record<string, unknown> } | null;
  if (envelope?.type !== 'error' || !envelope.error) return 'an error without the Anthropic envelope';
  if (typeof envelope.error.type !== 'string' || typeof envelope.error.message !== 'string')
    return 'Anthropic error without type/message';
  return null;
}

function rssMegabytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((item) => item.startsWith('VmRSS:'));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? NaN) / 1024;
}

// ---------------------------------------------------------------- the suite

describe('Protocol fuzz', () => {
  let fleet: TestFleet;
  let virtualKey: string;
  let pids: Map<string, number>;

  beforeAll(async () => {
    const configPath = writeTestConfig((document) => {
      const keep = ['gpt-5.4-mini', 'gpt-5.4', 'claude-haiku-4-5'];
      const models = document.model_list.filter((entry) => keep.includes(entry.model_name));
      // no retries of the failing deployment: keeps the run short
      const failing = models.find((entry) => entry.model_name === FAILING_MODEL)!;
      failing.litellm_params = { ...failing.litellm_params, num_retries: 0 };
      const mini = models.find((entry) => entry.model_name === 'gpt-5.4-mini')!;
      document.model_list = [
        ...models,
        {
          model_name: 'text-embedding-3-small',
          litellm_params: { ...mini.litellm_params, model: 'openai/text-embedding-3-small' },
          model_info: { mode: 'embedding' },
        },
        {
          model_name: 'frontier-router',
          litellm_params: {
            model: 'auto_router/complexity_router',
            complexity_router_config: {
              tiers: {
                SIMPLE: 'gpt-5.4-mini',
                MEDIUM: 'claude-haiku-4-5',
                COMPLEX: 'gpt-5.4',
                REASONING: 'gpt-5.4',
              },
            },
          },
          model_info: { mode: 'chat', disable_background_health_check: true },
        },
      ];
      document.router_settings = { model_group_alias: { [ALIAS]: 'gpt-5.4-mini' } };
    });
    fleet = await TestFleet.start({ configPath, environment: { LOG_LEVEL: 'warn' } });
    const minted = await fetch(`${fleet.baseUrl}/key/generate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ models: ['gpt-5.4-mini', 'frontier-router', 'text-embedding-3-small'] }),
    });
    virtualKey = ((await minted.json()) as { key: string }).key;
    // 5xx are documented only when the upstream fails: make one model's upstream fail
    await new MockControl(fleet.mockUrl).setFaults([
      { match: { model: FAILING_MODEL }, fault: { status: 500 } },
    ]);
    pids = new Map(fleet.fleet.names().map((name) => [name, fleet.fleet.pid(name)!]));
  });

  afterAll(async () => {
    await fleet?.stop();
  });

  it(`answers ${REQUESTS} generated requests with documented statuses in each surface's envelope, no 5xx but the upstream's, no restart, flat memory`, async () => {
    const cases = fc.sample(fuzzCase(virtualKey), { numRuns: REQUESTS, seed: SEED });
    const histogram = new Map<number, number>();
    const failures: Failure[] = [];
    const ingressPid = pids.get('ingress')!;
    let rssStart = 0;
    let next = 0;
    let done = 0;

    const sendOne = async (request: FuzzCase) => {
      let status = 0;
      let body: string;
      let type = '';
      try {
        const response = await fetch(`${fleet.baseUrl}${request.path}`, {
          method: request.method,
          headers: request.headers,
          body: request.body,
          signal: AbortSignal.timeout(30_000),
        });
        status = response.status;
        type = response.headers.get('content-type') ?? '';
        body = await response.text();
      } catch (error) {
        const cause = (error as Error).cause as Error | undefined;
        body = `no answer: ${(error as Error).message}${cause ? ` (${cause.message})` : ''}`;
      }
      histogram.set(status, (histogram.get(status) ?? 0) + 1);
      const reason = status === 0 ? body : violation(request, status, type, body);
      if (reason) failures.push({ reason, request, status, body: body.slice(0, 300) });
      done += 1;
      if (done === WARM_UP) rssStart = rssMegabytes(ingressPid);
    };
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < cases.length) await sendOne(cases[next++]);
      }),
    );
    const rssEnd = rssMegabytes(ingressPid);

    const summary = {
      requests: done,
      statuses: Object.fromEntries([...histogram].sort(([left], [right]) => left - right)),
      rssStartMb: Math.round(rssStart),
      rssEndMb: Math.round(rssEnd),
      failures: failures.length,
    };
    console.log(`protocol fuzz: ${JSON.stringify(summary)}`);
    const byReason = new Map<string, Failure & { count: number }>();
    for (const failure of failures) {
      const seen = byReason.get(failure.reason);
      if (seen) seen.count += 1;
      else byReason.set(failure.reason, { ...failure, count: 1 });
    }
    expect([...byReason.values()]).toEqual([]);
    expect(done).toBe(REQUESTS);
    for (const [name, pid] of pids) {
      expect({ name, pid: fleet.fleet.pid(name) }).toEqual({ name, pid });
      expect(() => process.kill(pid, 0)).not.toThrow();
    }
    expect(rssEnd - rssStart).toBeLessThan(RSS_GROWTH_LIMIT_MB);
  });
});
