import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { eventually, TEST_MASTER_KEY, TestFleet } from '@switchyard/testing';

interface UsageRow {
  endpoint: string;
  provider: string;
  model: string;
  status: string;
  tier: string | null;
  input_tokens: number | string;
  output_tokens: number | string;
}

/** every metric family of a Prometheus exposition, by the `# TYPE` lines (a repeated one is a broken scrape). */
function familiesOf(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('# TYPE '))
    .map((line) => line.split(' ')[2]);
}

async function metricsText(url: string): Promise<string> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${TEST_MASTER_KEY}` } });
  expect(response.status).toBe(200);
  return response.text();
}

/**
 * The one-process mode (`npm start`, `apps/switchyard`), always run whatever `SWITCHYARD_E2E_MODE`
 * says: ingress, classifier, dispatchers and ledger as one process beside the mock provider; a
 * routed chat, a stream and the Anthropic surface through it, the usage rows written by the
 * ledger's JetStream consumer, and one `/metrics` with every module's metric names once.
 */
describe('the one-process gateway', () => {
  let fleet: TestFleet;
  let client: OpenAI;

  beforeAll(async () => {
    fleet = await TestFleet.start({ mode: 'one-process' });
    client = new OpenAI({ apiKey: TEST_MASTER_KEY, baseURL: `${fleet.baseUrl}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await fleet?.stop();
  });

  it('runs as one gateway process beside the mock provider', () => {
    expect(fleet.specs.map((spec) => spec.app)).toEqual(['mock-provider', 'switchyard']);
  });

  it('routes a chat through the classifier in process and records its usage row through the ledger', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'opencodego-router', messages: [{ role: 'user', content: 'Hello there' }] })
      .withResponse();
    expect(data.choices[0].message.content).toContain('Mock reply');
    expect(response.headers.get('x-litellm-complexity-router-tier')).toBe('SIMPLE');
    expect(response.headers.get('x-litellm-model-api-base-provider')).toBe('opencodego');
    const callId = response.headers.get('x-litellm-call-id')!;

    const [row] = await fleet.usageRowsOf<UsageRow>(callId, 1, 20_000);
    expect(row).toMatchObject({
      endpoint: 'chat',
      provider: 'opencodego',
      status: 'success',
      tier: 'SIMPLE',
    });
    expect(Number(row.input_tokens) + Number(row.output_tokens)).toBe(data.usage!.total_tokens);
  });

  it('streams a chat, chunk by chunk, with the usage in the last one', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-5.4-mini',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'Stream to me' }],
    });
    let text = '';
    let chunks = 0;
    let usage: OpenAI.CompletionUsage | null | undefined = null;
    for await (const chunk of stream) {
      chunks += 1;
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(chunks).toBeGreaterThan(2);
    expect(text).toContain('Mock reply from gpt-5.4-mini');
    expect(usage?.total_tokens).toBeGreaterThan(0);
  });

  it('answers the Anthropic Messages surface, streamed and not', async () => {
    const anthropic = new Anthropic({ apiKey: TEST_MASTER_KEY, baseURL: fleet.baseUrl, maxRetries: 0 });
    const message = await anthropic.messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'Hello Claude' }],
    });
    expect(message.content[0]).toMatchObject({ type: 'text' });
    expect(message.usage.output_tokens).toBeGreaterThan(0);

    const stream = anthropic.messages.stream({
      model: 'claude-haiku-4-5',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'Stream, Claude' }],
    });
    const final = await stream.finalMessage();
    expect(final.stop_reason).toBe('end_turn');
    expect(final.content[0]).toMatchObject({ type: 'text' });
  });

  it("shows every module's metrics on one /metrics, each name once", async () => {
    // the routed call above is counted by the ingress, the classifier and the dispatcher at once;
    // the ledger's events once it wrote them
    const text = await eventually(
      () => metricsText(`${fleet.baseUrl}/metrics`),
      (body) => /switchyard_ledger_events_total\{[^}]*result="written"[^}]*\} [1-9]/.test(body),
      { description: 'the ledger counted the written events', timeoutMs: 20_000 },
    );
    const families = familiesOf(text);
    expect(families.length).toBe(new Set(families).size);
    expect(families).toEqual(
      expect.arrayContaining([
        'switchyard_requests_total',
        'switchyard_gateway_overhead_seconds',
        'switchyard_bus_request_duration_seconds',
        'switchyard_upstream_attempts_total',
        'switchyard_time_to_first_token_seconds',
        'switchyard_classifier_decisions_total',
        'switchyard_ledger_events_total',
        'switchyard_usage_publisher_backlog_events',
        'process_resident_memory_bytes',
      ]),
    );
    expect(text).toMatch(
      /switchyard_classifier_decisions_total\{[^}]*router="opencodego-router"[^}]*service="classifier"\} [1-9]/,
    );
    expect(text).toMatch(
      /switchyard_upstream_attempts_total\{[^}]*provider="openai"[^}]*service="dispatcher"\} [1-9]/,
    );
    // the usage publisher runs in the ingress and in the dispatcher: one family, a series each
    expect(text).toMatch(/switchyard_usage_publisher_backlog_events\{service="ingress"\}/);
    expect(text).toMatch(/switchyard_usage_publisher_backlog_events\{service="dispatcher"\}/);
    expect(text.match(/^process_resident_memory_bytes/gm)).toHaveLength(1);
  });
});

/**
 * The mixed mode: `SWITCHYARD_REMOTE_PROVIDERS=openai` leaves OpenAI to a dispatcher process on
 * NATS while every other provider is dispatched in process.
 */
describe('the one-process gateway with a remote provider', () => {
  let fleet: TestFleet;
  let client: OpenAI;

  beforeAll(async () => {
    fleet = await TestFleet.start({ mode: 'one-process', remoteProviders: ['openai'] });
    client = new OpenAI({ apiKey: TEST_MASTER_KEY, baseURL: `${fleet.baseUrl}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await fleet?.stop();
  });

  it('sends the remote provider to its dispatcher process and keeps the others in process', async () => {
    expect(fleet.specs.map((spec) => spec.name)).toEqual([
      'mock-provider',
      'dispatcher-openai',
      'switchyard',
    ]);
    const openai = await client.chat.completions
      .create({ model: 'gpt-5.4-mini', messages: [{ role: 'user', content: 'Hello remote' }] })
      .withResponse();
    const anthropic = await client.chat.completions
      .create({ model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'Hello local' }] })
      .withResponse();
    expect(openai.data.choices[0].message.content).toContain('Mock reply from gpt-5.4-mini');
    expect(anthropic.data.choices[0].message.content).toContain('Mock reply from claude-haiku-4-5');

    const endpoints = new Map(fleet.metricsEndpoints().map((endpoint) => [endpoint.service, endpoint.url]));
    const remote = await metricsText(endpoints.get('dispatcher-openai')!);
    const local = await metricsText(endpoints.get('switchyard')!);
    expect(remote).toMatch(/switchyard_upstream_attempts_total\{[^}]*provider="openai"[^}]*\} 1\b/);
    expect(local).not.toMatch(/switchyard_upstream_attempts_total\{[^}]*provider="openai"/);
    expect(local).toMatch(/switchyard_upstream_attempts_total\{[^}]*provider="anthropic"[^}]*\} 1\b/);

    for (const { response, provider } of [
      { response: openai.response, provider: 'openai' },
      { response: anthropic.response, provider: 'anthropic' },
    ]) {
      const [row] = await fleet.usageRowsOf<UsageRow>(response.headers.get('x-litellm-call-id')!, 1, 20_000);
      expect(row).toMatchObject({ provider, status: 'success' });
    }
  });
});
