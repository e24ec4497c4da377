import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { eventually, MockControl, REPO_ROOT, TEST_MASTER_KEY, TestFleet } from '@switchyard/testing';
import { buildToolArguments } from '../../apps/mock-provider/src/shared/tool-arguments';

interface UsageRow {
  request_id: string;
  endpoint: string;
  status: string;
  stream: boolean;
  model_group: string;
  provider: string;
  router: string | null;
  tier: string | null;
  route_cause: string | null;
  route_dimensions: unknown;
  session_id: string | null;
  input_tokens: number;
  input_cache_read_tokens: number;
  output_tokens: number;
  output_reasoning_tokens: number;
}

interface SseFrame {
  event: string;
  data: Record<string, unknown> & { type: string; sequence_number: number };
}

const codexRequest = JSON.parse(
  readFileSync(join(REPO_ROOT, '../shared/fixtures/codex-request.json'), 'utf8'),
) as { headers: Record<string, string>; body: Record<string, unknown> };

const weatherTool = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'The current weather of a city',
  strict: false,
  parameters: {
    type: 'object',
    properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
    required: ['city', 'unit'],
  },
};
const expectedArguments = JSON.stringify(buildToolArguments(weatherTool.parameters));

const CODEX_ASK = 'Refactor the retry logic in src/http.ts to use exponential backoff';

/** One model of each provider kind of the demo config, and the routers. */
const MODELS = [
  'gpt-5.4-mini',
  'claude-haiku-4-5',
  'gemini-3.5-flash',
  'mistral-small-4',
  'opencode-glm-5',
  'frontier-router',
  'opencodego-router',
  'mistral-router',
];

/** Splits a raw Responses stream into frames, failing on any byte that is not `event:`/`data:` framing. */
function framesOf(body: string): SseFrame[] {
  expect(body).toMatch(/^(event: [a-z_.]+\ndata: \{.*\}\n\n)+$/);
  const frames = body
    .split('\n\n')
    .filter((frame) => frame !== '')
    .map((frame) => {
      const [eventLine, dataLine] = frame.split('\n');
      const event = eventLine.slice('event: '.length);
      const data = JSON.parse(dataLine.slice('data: '.length)) as SseFrame['data'];
      expect(data.type).toBe(event);
      return { event, data };
    });
  expect(frames.map((frame) => frame.data.sequence_number)).toEqual(frames.map((_, index) => index));
  return frames;
}

/** A row's route dimensions without `tokenCount` (which reads the whole request, not the ask). */
function askDimensions(dimensions: unknown): Record<string, number> {
  const { tokenCount: _tokens, ...rest } = dimensions as Record<string, number>;
  return rest;
}

/** Event types with runs of deltas collapsed, so the order can be compared exactly. */
function collapsed(types: readonly string[]): string[] {
  return types.filter((type, index) => !type.endsWith('.delta') || types[index - 1] !== type);
}

describe('OpenAI Responses API end to end (openai SDK, demo fleet)', () => {
  let fleet: TestFleet;
  let client: OpenAI;
  let mock: MockControl;

  beforeAll(async () => {
    fleet = await TestFleet.start({ environment: { RESPONSES_RETENTION_DAYS: '7' } });
    client = new OpenAI({ apiKey: TEST_MASTER_KEY, baseURL: `${fleet.baseUrl}/v1`, maxRetries: 0 });
    mock = new MockControl(fleet.mockUrl);
  }, 120_000);

  afterAll(async () => {
    await fleet?.stop();
  });

  const usageRowsOf = (requestId: string, count = 1) => fleet.usageRowsOf<UsageRow>(requestId, count);

  async function rawPost(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${fleet.baseUrl}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_MASTER_KEY}`, ...headers },
      body: JSON.stringify(body),
    });
  }

  /** The router's raw dimension scores for one ask, from `/v1/route/explain`. */
  async function explainedDimensions(ask: string): Promise<Record<string, number>> {
    const response = await fetch(`${fleet.baseUrl}/v1/route/explain`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_MASTER_KEY}` },
      body: JSON.stringify({ model: 'frontier-router', messages: [{ role: 'user', content: ask }] }),
    });
    const explained = (await response.json()) as { dimensions: { name: string; raw: number }[] };
    return askDimensions(
      Object.fromEntries(explained.dimensions.map((dimension) => [dimension.name, dimension.raw])),
    );
  }

  function expectUsage(row: UsageRow, usage: OpenAI.Responses.ResponseUsage | undefined): void {
    expect(row.endpoint).toBe('responses');
    expect(row.status).toBe('success');
    expect(usage?.input_tokens).toBe(row.input_tokens);
    expect(usage?.input_tokens_details.cached_tokens).toBe(row.input_cache_read_tokens);
    expect(usage?.output_tokens).toBe(row.output_tokens);
    expect(usage?.output_tokens_details.reasoning_tokens).toBe(row.output_reasoning_tokens);
    expect(usage?.total_tokens).toBe(row.input_tokens + row.output_tokens);
  }

  it.each(MODELS)(
    'responses.create answers through %s, with one usage row (endpoint responses)',
    async (model) => {
      const { data: response, response: http } = await client.responses
        .create({ model, input: 'Say hello to the gateway', store: false })
        .withResponse();

      expect(response.object).toBe('response');
      expect(response.status).toBe('completed');
      expect(response.id).toMatch(/^resp_/);
      expect(response.output).toHaveLength(1);
      expect(response.output[0]).toMatchObject({ type: 'message', role: 'assistant', status: 'completed' });
      expect(response.output_text).toMatch(/^Mock reply from [\w.-]+: Say hello to the gateway$/);
      const [row] = await usageRowsOf(http.headers.get('x-litellm-call-id')!);
      expectUsage(row, response.usage);
      expect(row.stream).toBe(false);
      expect(row.model_group).toBe(model);
      if (model.endsWith('-router')) {
        expect(row.router).toBe(model);
        expect(row.tier).not.toBeNull();
        expect(row.route_cause).not.toBeNull();
      }
    },
  );

  it.each(MODELS)('responses.stream streams %s in OpenAI event order', async (model) => {
    const types: string[] = [];
    const stream = client.responses.stream({ model, input: 'Stream a hello please', store: false });
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') text += event.delta;
    }
    const response = await stream.finalResponse();
    const message = response.output[0] as OpenAI.Responses.ResponseOutputMessage;
    const outputText = (message.content[0] as OpenAI.Responses.ResponseOutputText).text;

    expect(collapsed(types)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(text).toBe(outputText);
    expect(outputText).toMatch(/^Mock reply from [\w.-]+: Stream a hello please$/);
    const rows = await eventually(
      () =>
        fleet.database.query<UsageRow>(
          `SELECT * FROM usage_events WHERE endpoint = 'responses' AND stream AND model_group = $1`,
          [model],
        ),
      (found) => found.length >= 1,
      { timeoutMs: 10_000, description: `a streamed responses row of ${model}` },
    );
    expect(rows[0].status).toBe('success');
  });

  it('frames the stream byte for byte as OpenAI does (event line, data line, blank line, numbered)', async () => {
    const response = await rawPost({ model: 'gpt-5.4-mini', input: 'Frame me', stream: true, store: false });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const frames = framesOf(await response.text());
    expect(frames[0].data.response).toMatchObject({ status: 'in_progress', output: [] });
    const last = frames.at(-1)!;
    expect(last.event).toBe('response.completed');
    const final = last.data.response as OpenAI.Responses.Response;
    const [row] = await usageRowsOf(response.headers.get('x-litellm-call-id')!);
    expectUsage(row, final.usage ?? undefined);
    expect(row.stream).toBe(true);
  });

  it('calls a function tool and continues from previous_response_id with its output', async () => {
    const first = await client.responses.create({
      model: 'gpt-5.4-mini',
      input: 'What is the weather in Paris? Use get_weather please.',
      tools: [weatherTool],
    });

    expect(first.status).toBe('completed');
    const call = first.output.find((item) => item.type === 'function_call')!;
    expect(call).toMatchObject({ type: 'function_call', name: 'get_weather', arguments: expectedArguments });
    expect(call.call_id).toMatch(/^call_/);

    const second = await client.responses.create({
      model: 'gpt-5.4-mini',
      previous_response_id: first.id,
      input: [
        { type: 'function_call_output', call_id: call.call_id, output: 'Sunny and 21 degrees in Paris' },
      ],
      tools: [weatherTool],
    });

    expect(second.output_text).toBe(
      'Mock reply from gpt-5.4-mini: tool result: Sunny and 21 degrees in Paris',
    );
    expect(second.previous_response_id).toBe(first.id);
    // OpenAI's native /v1/responses got the whole chain as items: the first ask, the call, its output
    const [last] = (await mock.requests({ model: 'gpt-5.4-mini' })).slice(-1);
    expect(last.path).toMatch(/\/responses$/);
    const items = (last.body as { input: { type?: string }[]; previous_response_id?: string }).input;
    expect(items.map((item) => item.type ?? 'message')).toEqual([
      'message',
      'function_call',
      'function_call_output',
    ]);
    expect((last.body as { previous_response_id?: string }).previous_response_id).toBeUndefined();
  });

  it('streams a function call as OpenAI does, arguments in deltas', async () => {
    const stream = client.responses.stream({
      model: 'claude-haiku-4-5',
      input: 'Use get_weather for Paris',
      tools: [weatherTool],
      store: false,
    });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    const response = await stream.finalResponse();

    expect(collapsed(types)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(response.output[0]).toMatchObject({
      type: 'function_call',
      name: 'get_weather',
      arguments: expectedArguments,
    });
  });

  it('gives reasoning as a reasoning item with its summary, and reasoning tokens in usage', async () => {
    const stream = client.responses.stream({
      model: 'claude-sonnet-4-5',
      input: 'Think about a hello',
      reasoning: { effort: 'medium', summary: 'auto' },
      store: false,
    });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    const response = await stream.finalResponse();

    expect(collapsed(types).slice(0, 8)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
      'response.output_item.done',
    ]);
    const reasoning = response.output[0] as OpenAI.Responses.ResponseReasoningItem;
    expect(reasoning.type).toBe('reasoning');
    expect(reasoning.summary[0].text).toMatch(/^Mock reasoning from /);
    expect(response.output[1].type).toBe('message');
    expect(response.usage?.output_tokens_details.reasoning_tokens).toBeGreaterThan(0);
  });

  it('turns custom and namespaced tools into functions and their calls back', async () => {
    const namespaced = await rawPost({
      model: 'mistral-small-4',
      input: 'spawn one',
      store: false,
      tools: [
        {
          type: 'namespace',
          name: 'multi_agent_v1',
          description: 'agents',
          tools: [{ type: 'function', name: 'spawn_agent', parameters: weatherTool.parameters }],
        },
      ],
      tool_choice: { type: 'function', name: 'spawn_agent', namespace: 'multi_agent_v1' },
    });
    const namespacedBody = (await namespaced.json()) as OpenAI.Responses.Response;
    expect(namespacedBody.output[0]).toMatchObject({
      type: 'function_call',
      name: 'spawn_agent',
      namespace: 'multi_agent_v1',
      arguments: expectedArguments,
    });

    const custom = await rawPost({
      model: 'opencode-glm-5',
      input: 'patch it',
      store: false,
      tools: [
        { type: 'custom', name: 'apply_patch', description: 'Apply a patch', format: { type: 'text' } },
      ],
      tool_choice: { type: 'custom', name: 'apply_patch' },
    });
    const customBody = (await custom.json()) as OpenAI.Responses.Response;
    expect(customBody.output[0]).toMatchObject({
      type: 'custom_tool_call',
      name: 'apply_patch',
      input: 'mock-input',
    });
  });

  it("answers Codex's real request, leaving web_search out (named in a header) and routing on the user's ask", async () => {
    const response = await rawPost(codexRequest.body, {
      'session-id': codexRequest.headers['session-id'],
      accept: 'text/event-stream',
    });

    expect(response.status).toBe(200);
    expect(response.headers.get('x-switchyard-dropped-tools')).toBe('web_search');
    const frames = framesOf(await response.text());
    expect(frames.at(-1)!.event).toBe('response.completed');
    const [row] = await usageRowsOf(response.headers.get('x-litellm-call-id')!);
    expect(row).toMatchObject({ endpoint: 'responses', router: 'frontier-router', stream: true });
    expect(row.session_id).toBe(codexRequest.body.prompt_cache_key);
    expect(row.tier).not.toBeNull();
    expect(askDimensions(row.route_dimensions)).toEqual(await explainedDimensions(CODEX_ASK));
  });

  it('routes on the last user ask, skipping a later environment-context turn and developer messages', async () => {
    const input = codexRequest.body.input as unknown[];
    const environment = input[2];
    const { response: http } = await client.responses
      .create({
        model: 'frontier-router',
        store: false,
        input: [input[0], input[3], environment] as OpenAI.Responses.ResponseInput,
      })
      .withResponse();

    const [row] = await usageRowsOf(http.headers.get('x-litellm-call-id')!);
    expect(row.router).toBe('frontier-router');
    // scored on the user's ask, not on the environment context after it
    expect(askDimensions(row.route_dimensions)).toEqual(await explainedDimensions(CODEX_ASK));
    expect(askDimensions(row.route_dimensions)).not.toEqual(
      await explainedDimensions((environment as { content: { text: string }[] }).content[0].text),
    );
  });

  it('calls OpenAI deployments on their native /v1/responses with reasoning, include and hosted tools intact', async () => {
    const { data: response, response: http } = await client.responses
      .create({
        model: 'gpt-5.4-mini',
        input: 'Think natively',
        reasoning: { effort: 'low', summary: 'auto' },
        include: ['reasoning.encrypted_content'],
        tools: [{ type: 'web_search' }, weatherTool],
        store: false,
      })
      .withResponse();

    expect(http.headers.get('x-switchyard-dropped-tools')).toBeNull();
    const reasoning = response.output.find((item) => item.type === 'reasoning')!;
    expect(reasoning.encrypted_content).toMatch(/^gAAAAAB/);
    const [upstream] = (await mock.requests({ model: 'gpt-5.4-mini' })).slice(-1);
    expect(upstream.path).toMatch(/\/responses$/);
    expect(upstream.body).toMatchObject({
      include: ['reasoning.encrypted_content'],
      store: false,
      tools: [{ type: 'web_search' }, { type: 'function', name: 'get_weather' }],
    });
    const [row] = await usageRowsOf(http.headers.get('x-litellm-call-id')!);
    expectUsage(row, response.usage);
    expect(row.provider).toBe('openai');

    // the reasoning item goes back to OpenAI with its encrypted_content on the next turn
    const stream = client.responses.stream({
      model: 'gpt-5.4-mini',
      store: false,
      include: ['reasoning.encrypted_content'],
      input: [{ role: 'user', content: 'Think natively' }, reasoning, { role: 'user', content: 'Go on' }],
    });
    for await (const _event of stream) void _event;
    expect((await stream.finalResponse()).status).toBe('completed');
    const [next] = (await mock.requests({ model: 'gpt-5.4-mini' })).slice(-1);
    expect((next.body as { input: unknown[] }).input[1]).toMatchObject({
      type: 'reasoning',
      encrypted_content: reasoning.encrypted_content,
    });
  });

  it('reports a cut answer as incomplete (max_output_tokens)', async () => {
    const response = await client.responses.create({
      model: 'claude-haiku-4-5',
      input: 'Tell me a long story about gateways and trains and rivers and mountains',
      max_output_tokens: 16,
      store: false,
    });

    expect(response.status).toBe('incomplete');
    expect(response.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    expect(response.output[0]).toMatchObject({ type: 'message', status: 'incomplete' });
  });

  it.each(['gpt-5.4-mini', 'claude-haiku-4-5'])(
    'ends a %s stream that fails after it began with response.failed, and still records the attempt',
    async (model) => {
      const response = await rawPost({
        model,
        input: 'Fail midway [[mock:{"errorAfterChunks":3}]]',
        stream: true,
        store: false,
      });

      expect(response.status).toBe(200);
      const frames = framesOf(await response.text());
      const last = frames.at(-1)!;
      expect(last.event).toBe('response.failed');
      expect(last.data.response).toMatchObject({ status: 'failed', error: { code: 'server_error' } });
      const rows = await usageRowsOf(response.headers.get('x-litellm-call-id')!);
      expect(rows[0].endpoint).toBe('responses');
    },
  );

  it("refuses an unknown model before the stream, in OpenAI's envelope", async () => {
    const response = await rawPost({ model: 'no-such-model', input: 'hi', stream: true });

    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe('not_found_error');
  });

  describe('stored responses', () => {
    async function mintKey(): Promise<string> {
      const minted = await fleet.admin<{ key: string }>('/key/generate', {});
      return minted.key;
    }

    it('keeps a response (store defaults to true): get, input_items, chain, delete', async () => {
      const created = await client.responses.create({
        model: 'claude-haiku-4-5',
        instructions: 'Be brief.',
        input: [{ role: 'user', content: 'Remember the word lighthouse' }],
      });

      const fetched = await client.responses.retrieve(created.id);
      expect(fetched).toEqual(created);

      const items = await client.responses.inputItems.list(created.id);
      expect(items.data).toHaveLength(1);
      expect(items.data[0]).toMatchObject({ type: 'message', role: 'user' });
      expect(items.data[0].id).toMatch(/^msg_/);

      const next = await client.responses.create({
        model: 'claude-haiku-4-5',
        previous_response_id: created.id,
        input: 'And now?',
      });
      expect(next.output_text).toBe('Mock reply from claude-haiku-4-5: And now?');
      const [upstream] = (await mock.requests({ model: 'claude-haiku-4-5' })).slice(-1);
      const messages = (upstream.body as { messages: { role: string }[] }).messages;
      // the stored input and output come first; instructions are not carried over
      expect(messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
      expect((upstream.body as { system?: unknown }).system).toBeUndefined();

      await client.responses.delete(created.id);
      await expect(client.responses.retrieve(created.id)).rejects.toMatchObject({ status: 404 });
    });

    it('keeps nothing with store: false', async () => {
      const created = await client.responses.create({
        model: 'gpt-5.4-mini',
        input: 'forget me',
        store: false,
      });

      await expect(client.responses.retrieve(created.id)).rejects.toMatchObject({ status: 404 });
      await expect(
        client.responses.create({ model: 'gpt-5.4-mini', input: 'again', previous_response_id: created.id }),
      ).rejects.toMatchObject({ status: 400, code: 'previous_response_not_found' });
    });

    it('lets only the key that made a response, or the master key, read it; others get 404', async () => {
      const owner = new OpenAI({ apiKey: await mintKey(), baseURL: `${fleet.baseUrl}/v1`, maxRetries: 0 });
      const stranger = new OpenAI({ apiKey: await mintKey(), baseURL: `${fleet.baseUrl}/v1`, maxRetries: 0 });
      const created = await owner.responses.create({ model: 'gpt-5.4-mini', input: 'mine' });

      expect((await owner.responses.retrieve(created.id)).id).toBe(created.id);
      expect((await client.responses.retrieve(created.id)).id).toBe(created.id);
      await expect(stranger.responses.retrieve(created.id)).rejects.toMatchObject({ status: 404 });
      await expect(stranger.responses.inputItems.list(created.id)).rejects.toMatchObject({ status: 404 });
      await expect(stranger.responses.delete(created.id)).rejects.toMatchObject({ status: 404 });
      await expect(
        stranger.responses.create({ model: 'gpt-5.4-mini', input: 'x', previous_response_id: created.id }),
      ).rejects.toMatchObject({ status: 400 });
      expect((await owner.responses.retrieve(created.id)).id).toBe(created.id);
    });

    it('survives a restart of the ledger and of the ingress (kept in Postgres)', async () => {
      const created = await client.responses.create({ model: 'gemini-3.5-flash', input: 'persist me' });

      // in the one-process mode both are modules of the one gateway process: restart it
      for (const name of fleet.mode === 'one-process' ? ['switchyard'] : ['ledger', 'ingress']) {
        const spec = fleet.spec(name);
        await fleet.fleet.stopService(name);
        await fleet.fleet.startService(spec);
      }

      const fetched = await client.responses.retrieve(created.id);
      expect(fetched.output_text).toBe(created.output_text);
      const rows = await fleet.database.query<{ expires_at: Date }>(
        'SELECT expires_at FROM stored_responses WHERE response_id = $1',
        [created.id],
      );
      // RESPONSES_RETENTION_DAYS=7
      const days = (rows[0].expires_at.getTime() - created.created_at * 1000) / 86_400_000;
      expect(days).toBe(7);
    }, 120_000);
  });
});

interface MalformedCase {
  name: string;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  status: number;
  type: string;
  param?: string;
  code?: string;
}

const validBody = { model: 'gpt-5.4-mini', input: 'hello' };
const withInput = (input: unknown) => ({ model: 'gpt-5.4-mini', input });
const withField = (field: string, value: unknown) => ({ ...validBody, [field]: value });

/** Malformed requests on `/v1/responses`: each gets OpenAI's status, envelope, param and code. */
const malformed: MalformedCase[] = [
  { name: 'empty body', raw: '', status: 400, type: 'invalid_request_error' },
  {
    name: 'invalid JSON',
    raw: '{"model": "gpt-5.4-mini", "input": [',
    status: 400,
    type: 'invalid_request_error',
  },
  { name: 'a JSON array', body: [validBody], status: 400, type: 'invalid_request_error' },
  { name: 'a JSON string', body: 'hello', status: 400, type: 'invalid_request_error' },
  {
    name: 'missing model',
    body: { input: 'hi' },
    status: 400,
    type: 'invalid_request_error',
    param: 'model',
    code: 'missing_required_parameter',
  },
  {
    name: 'missing input',
    body: { model: 'gpt-5.4-mini' },
    status: 400,
    type: 'invalid_request_error',
    param: 'input',
    code: 'missing_required_parameter',
  },
  {
    name: 'model a number',
    body: { model: 5, input: 'hi' },
    status: 400,
    type: 'invalid_request_error',
    param: 'model',
    code: 'invalid_type',
  },
  { name: 'input a number', body: withInput(42), status: 400, type: 'invalid_request_error', param: 'input' },
  {
    name: 'a message with an unknown role',
    body: withInput([{ role: 'robot', content: 'hi' }]),
    status: 400,
    type: 'invalid_request_error',
    param: 'input[0].role',
    code: 'invalid_value',
  },
  {
    name: 'message content a number',
    body: withInput([{ role: 'user', content: 7 }]),
    status: 400,
    type: 'invalid_request_error',
    param: 'input[0].content',
  },
  {
    name: 'input_text without text',
    body: withInput([{ role: 'user', content: [{ type: 'input_text' }] }]),
    status: 400,
    type: 'invalid_request_error',
    param: 'input[0].content[0].text',
    code: 'missing_required_parameter',
  },
  {
    name: 'an unknown content part type',
    body: withInput([{ role: 'user', content: [{ type: 'input_video', url: 'x' }] }]),
    status: 400,
    type: 'invalid_request_error',
    param: 'input[0].content[0].type',
    code: 'invalid_value',
  },
  {
    name: 'a function_call without call_id',
    body: withInput([{ type: 'function_call', name: 'f', arguments: '{}' }]),
    status: 400,
    type: 'invalid_request_error',
    param: 'input[0].call_id',
    code: 'missing_required_parameter',
  },
  {
    name: 'function_call arguments as an object',
    body: withInput([{ type: 'function_call', call_id: 'c', name: 'f', arguments: { a: 1 } }]),
    status: 400,
    type: 'invalid_request_error',
    param: 'input[0].arguments',
    code: 'invalid_type',
  },
  {
    name: 'a function_call_output without output',
    body: withInput([{ type: 'function_call_output', call_id: 'c' }]),
    status: 400,
    type: 'invalid_request_error',
    param: 'input[0].output',
    code: 'missing_required_parameter',
  },
  {
    name: 'temperature a string',
    body: withField('temperature', 'hot'),
    status: 400,
    type: 'invalid_request_error',
    param: 'temperature',
    code: 'invalid_type',
  },
  {
    name: 'temperature 3',
    body: withField('temperature', 3),
    status: 400,
    type: 'invalid_request_error',
    param: 'temperature',
  },
  {
    name: 'top_p 2',
    body: withField('top_p', 2),
    status: 400,
    type: 'invalid_request_error',
    param: 'top_p',
  },
  {
    name: 'max_output_tokens 0',
    body: withField('max_output_tokens', 0),
    status: 400,
    type: 'invalid_request_error',
    param: 'max_output_tokens',
  },
  {
    name: 'max_output_tokens 1.5',
    body: withField('max_output_tokens', 1.5),
    status: 400,
    type: 'invalid_request_error',
    param: 'max_output_tokens',
  },
  {
    name: 'tools not an array',
    body: withField('tools', { type: 'function' }),
    status: 400,
    type: 'invalid_request_error',
    param: 'tools',
  },
  {
    name: 'a function tool without a name',
    body: withField('tools', [{ type: 'function', parameters: {} }]),
    status: 400,
    type: 'invalid_request_error',
    param: 'tools[0].name',
    code: 'missing_required_parameter',
  },
  {
    name: 'a json_schema format without a schema',
    body: withField('text', { format: { type: 'json_schema', name: 'x' } }),
    status: 400,
    type: 'invalid_request_error',
    param: 'text.format.schema',
    code: 'missing_required_parameter',
  },
  {
    name: 'an unknown reasoning effort',
    body: withField('reasoning', { effort: 'extreme' }),
    status: 400,
    type: 'invalid_request_error',
    param: 'reasoning.effort',
    code: 'invalid_value',
  },
  {
    name: 'stream "yes"',
    body: withField('stream', 'yes'),
    status: 400,
    type: 'invalid_request_error',
    param: 'stream',
  },
  {
    name: 'metadata a list',
    body: withField('metadata', ['a']),
    status: 400,
    type: 'invalid_request_error',
    param: 'metadata',
  },
  {
    name: 'a 300-character user',
    body: withField('user', 'u'.repeat(300)),
    status: 400,
    type: 'invalid_request_error',
    param: 'user',
  },
  {
    name: 'an empty input list',
    body: withInput([]),
    status: 400,
    type: 'invalid_request_error',
    param: 'input',
  },
  {
    name: 'only a system message',
    body: withInput([{ role: 'system', content: 'be nice' }]),
    status: 400,
    type: 'invalid_request_error',
    param: 'input',
  },
  {
    name: 'an image by OpenAI file id',
    body: withInput([
      { role: 'user', content: [{ type: 'input_image', file_id: 'file-1', detail: 'auto' }] },
    ]),
    status: 400,
    type: 'invalid_request_error',
    param: 'input[0].content[0].file_id',
  },
  {
    name: 'an unknown previous_response_id',
    body: withField('previous_response_id', 'resp_nope'),
    status: 400,
    type: 'invalid_request_error',
    param: 'previous_response_id',
    code: 'previous_response_not_found',
  },
  {
    name: 'an unknown model',
    body: { model: 'no-such-model', input: 'hi' },
    status: 404,
    type: 'not_found_error',
  },
  {
    name: 'a wrong API key',
    body: validBody,
    headers: { authorization: 'Bearer sk-nope' },
    status: 401,
    type: 'authentication_error',
  },
];

describe('malformed Responses API requests get OpenAI status and envelope', () => {
  let fleet: TestFleet;

  beforeAll(async () => {
    fleet = await TestFleet.start();
  }, 120_000);

  afterAll(async () => {
    await fleet?.stop();
  });

  it('has at least 20 cases', () => {
    expect(malformed.length).toBeGreaterThanOrEqual(20);
  });

  it.each(malformed.map((item) => [item.name, item] as const))('%s', async (_name, item) => {
    const response = await fetch(`${fleet.baseUrl}/v1/responses`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${TEST_MASTER_KEY}`,
        ...item.headers,
      },
      body: item.raw ?? JSON.stringify(item.body),
    });

    expect(response.status).toBe(item.status);
    const envelope = (await response.json()) as {
      error: { message: string; type: string; param: string | null; code: string | null };
    };
    expect(Object.keys(envelope)).toEqual(['error']);
    expect(Object.keys(envelope.error).sort()).toEqual(['code', 'message', 'param', 'type']);
    expect(envelope.error.type).toBe(item.type);
    expect(envelope.error.message.length).toBeGreaterThan(10);
    if (item.param) expect(envelope.error.param).toBe(item.param);
    if (item.code) expect(envelope.error.code).toBe(item.code);
  });

  it('keeps answering after all of them', async () => {
    const response = await fetch(`${fleet.baseUrl}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_MASTER_KEY}` },
      body: JSON.stringify({ ...validBody, store: false }),
    });
    expect(response.status).toBe(200);
  });
});
