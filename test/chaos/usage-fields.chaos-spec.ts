import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type NatsConnection } from 'nats';
import { parse as parseYaml } from 'yaml';
import { BusNamespace } from '@switchyard/bus';
import { CALLER_LABEL_LIMITS, Streams } from '@switchyard/contracts';
import {
  eventually,
  MockControl,
  type MockRequestEntry,
  REPO_ROOT,
  TestFleet,
  testInfrastructure,
} from '@switchyard/testing';

/**
 * Usage-field fuzz (issue 13, findings 2 and 4): text Postgres refuses (NUL, lone surrogates),
 * values at and far over the limits of `user` and `metadata`, and deep nesting, sent on every
 * provider of the demo config through both surfaces with a budgeted key. Afterwards the key's
 * spend (ledger) equals the cost of what the mock provider answered, nothing is dead-lettered and
 * no publisher holds a backlog.
 */

/** one model per provider kind of the demo config. */
const MODELS = [
  'gpt-5.4-mini',
  'claude-haiku-4-5',
  'gemini-3.5-flash',
  'mistral-small-4',
  'opencode-deepseek-v4-flash',
];
const SURFACES = ['openai', 'anthropic'] as const;
type Surface = (typeof SURFACES)[number];

interface Labels {
  user?: unknown;
  metadata?: Record<string, unknown>;
  /** pad the metadata the surface sends (Anthropic's holds user_id too) to exactly this many bytes of JSON. */
  metadataBytes?: number;
}

interface FuzzCase {
  name: string;
  labels: Labels;
  /** the status the gateway must answer with. */
  status: 200 | 400;
}

function nested(depth: number, leaf: unknown): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf };
  for (let level = 1; level < depth; level += 1) value = { [`level${level}`]: value };
  return value;
}

/** the metadata with a `pad` entry making its JSON exactly `bytes` long. */
function padded(metadata: Record<string, unknown>, bytes: number): Record<string, unknown> {
  const base = { ...metadata, pad: '' };
  return { ...base, pad: 'p'.repeat(bytes - Buffer.byteLength(JSON.stringify(base))) };
}

const SEVEN_MB = 7 * 1024 * 1024;

const CASES: FuzzCase[] = [
  {
    name: 'NUL in user and metadata (values and keys)',
    labels: { user: 'agent\u0000one', metadata: { 'te\u0000am': 'a\u0000b', list: ['\u0000'] } },
    status: 200,
  },
  {
    name: 'lone surrogates in user and metadata',
    labels: { user: 'lone \ud800 high \udfff low', metadata: { '\udc00key': ['\ud83d', { x: 'y\udbff' }] } },
    status: 200,
  },
  {
    name: 'user and metadata just under their limits, with NUL and a lone surrogate',
    labels: {
      user: `\u0000\ud800${'u'.repeat(CALLER_LABEL_LIMITS.userCharacters - 2)}`,
      metadata: { note: 'nul \u0000 and \ud800' },
      metadataBytes: CALLER_LABEL_LIMITS.metadataBytes,
    },
    status: 200,
  },
  {
    name: 'metadata nested to the limit',
    labels: { metadata: nested(CALLER_LABEL_LIMITS.metadataDepth - 1, 'deep \u0000') },
    status: 200,
  },
  { name: 'a 7 MB user', labels: { user: 'x'.repeat(SEVEN_MB) }, status: 400 },
  { name: '7 MB of metadata', labels: { metadata: { blob: 'm'.repeat(SEVEN_MB) } }, status: 400 },
  { name: 'metadata nested 64 levels', labels: { metadata: nested(64, 1) }, status: 400 },
];

/** The request body of one surface, with the labels where that surface takes them. */
function requestBody(surface: Surface, model: string, labels: Labels, stream: boolean, ask: string): unknown {
  const messages = [{ role: 'user', content: ask }];
  const sized = (metadata: Record<string, unknown>) =>
    labels.metadataBytes === undefined ? metadata : padded(metadata, labels.metadataBytes);
  if (surface === 'openai') {
    return {
      model,
      messages,
      max_tokens: 64,
      stream,
      ...(stream ? { stream_options: { include_usage: true } } : {}),
      ...(labels.user !== undefined ? { user: labels.user } : {}),
      ...(labels.metadata !== undefined ? { metadata: sized(labels.metadata) } : {}),
    };
  }
  // Anthropic: the end user is metadata.user_id, beside any other metadata
  const metadata =
    labels.user === undefined && labels.metadata === undefined
      ? undefined
      : sized({ ...labels.metadata, ...(labels.user !== undefined ? { user_id: labels.user } : {}) });
  return { model, messages, max_tokens: 64, stream, ...(metadata ? { metadata } : {}) };
}

interface Prices {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/** The prices written out in config/demo.yaml, by the provider's model id (what the mock logs). */
function demoPrices(): Map<string, Prices> {
  const config = parseYaml(readFileSync(join(REPO_ROOT, 'config/demo.yaml'), 'utf8')) as {
    model_list: { litellm_params: Record<string, unknown> }[];
  };
  const prices = new Map<string, Prices>();
  for (const { litellm_params: params } of config.model_list) {
    if (typeof params.input_cost_per_token !== 'number') continue;
    const input = params.input_cost_per_token;
    prices.set(String(params.model).split('/').slice(1).join('/'), {
      input,
      output: Number(params.output_cost_per_token),
      cacheRead: Number(params.cache_read_input_token_cost ?? input),
      cacheWrite: Number(params.cache_creation_input_token_cost ?? input),
    });
  }
  return prices;
}

/** What the mock's reply cost at the demo prices (its token counts are in its request log). */
function mockCost(entry: MockRequestEntry, prices: Map<string, Prices>): number {
  const price = prices.get(entry.model ?? '');
  if (!price || !entry.usage)
    throw new Error(`no price or usage for the mock's request ${entry.id} (${entry.model})`);
  const usage = entry.usage;
  const fresh = usage.promptTokens - usage.cachedTokens - usage.cacheWriteTokens;
  return (
    fresh * price.input +
    usage.cachedTokens * price.cacheRead +
    usage.cacheWriteTokens * price.cacheWrite +
    (usage.outputTokens + usage.reasoningTokens) * price.output
  );
}

describe('Usage-field fuzz', () => {
  let fleet: TestFleet;
  let mock: MockControl;
  let connection: NatsConnection;
  let key: { key: string; key_id: string };
  let scoped: { key: string; key_id: string };
  const oversizedRefusals: number[] = [];
  const answers: { surface: Surface; model: string; fuzz: FuzzCase; status: number; body: string }[] = [];

  beforeAll(async () => {
    fleet = await TestFleet.start();
    mock = new MockControl(fleet.mockUrl);
    connection = await connect({ servers: testInfrastructure().natsUrl });
    key = await admin<{ key: string; key_id: string }>('/key/generate', {
      key_alias: 'usage-fuzz',
      max_budget: 50,
    });
    let index = 0;
    for (const model of MODELS) {
      for (const surface of SURFACES) {
        for (const fuzz of CASES) {
          index += 1;
          const stream = index % 2 === 0;
          const body = requestBody(surface, model, fuzz.labels, stream, `usage fuzz ${index} ${fuzz.name}`);
          const response = await fetch(
            `${fleet.baseUrl}${surface === 'openai' ? '/v1/chat/completions' : '/v1/messages'}`,
            {
              method: 'POST',
              headers: {
                authorization: `Bearer ${key.key}`,
                'content-type': 'application/json',
                'anthropic-version': '2023-06-01',
                'cache-control': 'no-cache, no-store',
              },
              body: JSON.stringify(body),
            },
          );
          answers.push({ surface, model, fuzz, status: response.status, body: await response.text() });
        }
      }
    }
    // a refusal records the name the client called: 3 MB of it make a refusal event larger than
    // any bus message (a key scoped to one model, so the scope check refuses it)
    scoped = await admin<{ key: string; key_id: string }>('/key/generate', {
      key_alias: 'usage-fuzz-scoped',
      models: ['gpt-5.4-mini'],
      max_budget: 50,
    });
    for (const surface of SURFACES) {
      const body = requestBody(surface, 'm'.repeat(3 * 1024 * 1024), {}, false, 'scoped');
      const response = await fetch(
        `${fleet.baseUrl}${surface === 'openai' ? '/v1/chat/completions' : '/v1/messages'}`,
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${scoped.key}`,
            'content-type': 'application/json',
            'anthropic-version': '2023-06-01',
          },
          body: JSON.stringify(body),
        },
      );
      oversizedRefusals.push(response.status);
      await response.text();
    }
  }, 600_000);

  afterAll(async () => {
    await connection?.drain();
    await fleet?.stop();
  });

  const admin = <T>(path: string, body?: unknown) => fleet.admin<T>(path, body);

  const accepted = () => answers.filter((answer) => answer.fuzz.status === 200);

  it('answers every accepted request, and refuses oversized or too deep labels with a 400 in the surface envelope', () => {
    expect(answers).toHaveLength(MODELS.length * SURFACES.length * CASES.length);
    for (const answer of answers) {
      const label = `${answer.surface} ${answer.model} ${answer.fuzz.name}`;
      expect([label, answer.status]).toEqual([label, answer.fuzz.status]);
      if (answer.status !== 400) continue;
      const error = JSON.parse(answer.body) as {
        type?: string;
        error: { type: string; message: string; param?: string | null };
      };
      expect(error.error.type).toBe('invalid_request_error');
      expect(error.error.message).toMatch(/user|metadata/);
      if (answer.surface === 'anthropic') expect(error.type).toBe('error');
      else expect(error.error.param).toMatch(/^(user|metadata)/);
    }
  });

  it('records refusals that named a 3 MB model, trimmed, without holding back any other usage', async () => {
    expect(oversizedRefusals).toEqual([403, 403]);
    const rows = await eventually(
      () =>
        fleet.database.query<{ kind: string; model_group: string; metadata: Record<string, unknown> }>(
          'SELECT kind, model_group, metadata FROM usage_events WHERE key_id = $1',
          [scoped.key_id],
        ),
      (found) => found.length >= 2,
      { description: 'the refusals of the scoped key', timeoutMs: 60_000 },
    );
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.kind).toBe('refusal');
      expect(row.model_group.length).toBeLessThanOrEqual(256);
      expect(row.metadata).toHaveProperty('switchyard_trimmed');
    }
  });

  it('charges the key exactly what the mock provider answered, nothing dead-lettered, no publisher backlog', async () => {
    const prices = demoPrices();
    const chats = (await mock.requests()).filter((entry) => entry.endpoint === 'chat');
    // a refused request never reached a provider; every accepted one did, once
    expect(chats).toHaveLength(accepted().length);
    expect(new Set(chats.map((entry) => entry.format))).toEqual(
      new Set(['openai', 'anthropic', 'gemini', 'mistral']),
    );
    const mockTotal = chats.reduce((sum, entry) => sum + mockCost(entry, prices), 0);
    expect(mockTotal).toBeGreaterThan(0);

    const rows = await eventually(
      () =>
        fleet.database.query<{ count: string; cost: string }>(
          'SELECT count(*) AS count, coalesce(sum(cost_usd), 0)::text AS cost FROM usage_events WHERE key_id = $1',
          [key.key_id],
        ),
      ([row]) => Number(row.count) >= accepted().length,
      { description: 'every usage row of the fuzz key', timeoutMs: 60_000 },
    );
    expect(Number(rows[0].count)).toBe(accepted().length);
    expect(Number(rows[0].cost)).toBeCloseTo(mockTotal, 9);

    const info = await eventually(
      () => admin<{ info: { spend: number } }>(`/key/info?key=${encodeURIComponent(key.key)}`),
      (answer) => Math.abs(answer.info.spend - mockTotal) < 1e-9,
      { description: "the key's spend", timeoutMs: 30_000 },
    );
    expect(info.info.spend).toBeCloseTo(mockTotal, 9);
    const report = await admin<{ totals: { requests: number; cost_usd: number } }>(
      `/spend/report?group_by=model&key=${encodeURIComponent(key.key)}`,
    );
    expect(report.totals.requests).toBe(accepted().length);
    expect(report.totals.cost_usd).toBeCloseTo(mockTotal, 9);

    const stored = await fleet.database.query<{ end_user: string | null }>(
      'SELECT end_user FROM usage_events WHERE key_id = $1 AND end_user IS NOT NULL',
      [key.key_id],
    );
    expect(stored.some((row) => row.end_user === 'agent\uFFFDone')).toBe(true);
    expect(stored.every((row) => !row.end_user!.includes('\u0000'))).toBe(true);

    const manager = await connection.jetstreamManager();
    const namespace = new BusNamespace(fleet.namespace);
    const dead = await manager.streams.info(namespace.name(Streams.usageDeadLetter.name));
    expect(dead.state.messages).toBe(0);

    for (const endpoint of fleet.metricsEndpoints()) {
      if (!/^(ingress|dispatcher)/.test(endpoint.service)) continue;
      const text = await (await fetch(endpoint.url)).text();
      expect([endpoint.service, /switchyard_usage_publisher_backlog_events\{[^}]*\} 0\b/.test(text)]).toEqual(
        [endpoint.service, true],
      );
      expect(text).not.toMatch(/switchyard_usage_events_dropped_total\{[^}]*\} [1-9]/);
      // only the two refusals that named a 3 MB model were trimmed, by the ingress that recorded them
      const trimmed = /switchyard_usage_events_trimmed_total\{[^}]*\} (\d+)/.exec(text)?.[1] ?? '0';
      expect([endpoint.service, Number(trimmed)]).toEqual([
        endpoint.service,
        endpoint.service === 'ingress' ? 2 : 0,
      ]);
    }

    // the largest usage message stays within the server's max_payload
    const usage = await manager.streams.info(namespace.name(Streams.usage.name));
    let largest = 0;
    for (let seq = usage.state.first_seq; seq <= usage.state.last_seq; seq += 1) {
      const message = await manager.streams.getMessage(namespace.name(Streams.usage.name), { seq });
      largest = Math.max(largest, message.data.byteLength);
    }
    expect(largest).toBeLessThanOrEqual(connection.info!.max_payload);
    process.stdout.write(
      `usage-field fuzz: ${answers.length} requests sent (${accepted().length} accepted, ${answers.length - accepted().length} refused), ` +
        `${chats.length} upstream calls, spend ${info.info.spend.toFixed(9)} USD vs mock log ${mockTotal.toFixed(9)} USD, ` +
        `${dead.state.messages} dead letters, largest usage message ${largest} bytes of ${connection.info!.max_payload}\n`,
    );
  });
});
