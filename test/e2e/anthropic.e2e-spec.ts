import Anthropic from '@anthropic-ai/sdk';
import { TEST_MASTER_KEY, TestFleet } from '@switchyard/testing';
import { buildToolArguments } from '../../apps/mock-provider/src/shared/tool-arguments';

interface UsageRow {
  request_id: string;
  endpoint: string;
  model_group: string;
  stream: boolean;
  input_tokens: number;
  input_no_cache_tokens: number;
  input_cache_read_tokens: number;
  input_cache_write_tokens: number;
  output_tokens: number;
}

interface SseFrame {
  event: string;
  data: Record<string, unknown>;
}

const weatherTool = {
  name: 'get_weather',
  description: 'The current weather of a city',
  input_schema: {
    type: 'object' as const,
    properties: {
      city: { type: 'string' },
      unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
    },
    required: ['city', 'unit'],
  },
};
/** What the mock puts in a tool call (apps/mock-provider/README.md). */
const expectedInput = buildToolArguments(weatherTool.input_schema);
const toolAsk = 'What is the weather in Paris? Use get_weather please.';
const toolResult = 'Sunny and 21 degrees in Paris';

/** Event types with runs of deltas collapsed, so the order can be compared exactly. */
function collapsed(types: readonly string[]): string[] {
  return types.filter((type, index) => type !== 'content_block_delta' || types[index - 1] !== type);
}

/** Splits a raw Anthropic stream into frames, failing on any byte that is not `event:`/`data:` framing. */
function framesOf(body: string): SseFrame[] {
  expect(body).toMatch(/^(event: [a-z_]+\ndata: \{.*\}\n\n)+$/);
  return body
    .split('\n\n')
    .filter((frame) => frame !== '')
    .map((frame) => {
      const [eventLine, dataLine] = frame.split('\n');
      const event = eventLine.slice('event: '.length);
      const data = JSON.parse(dataLine.slice('data: '.length)) as Record<string, unknown>;
      expect(data.type).toBe(event);
      return { event, data };
    });
}

describe('Anthropic Messages API end to end (@anthropic-ai/sdk, demo fleet)', () => {
  let fleet: TestFleet;
  let client: Anthropic;

  beforeAll(async () => {
    fleet = await TestFleet.start();
    client = new Anthropic({ apiKey: TEST_MASTER_KEY, baseURL: fleet.baseUrl, maxRetries: 0 });
  });

  afterAll(async () => {
    await fleet?.stop();
  });

  const usageRowsOf = (requestId: string) => fleet.usageRowsOf<UsageRow>(requestId);

  function expectUsageRow(row: UsageRow, usage: Anthropic.Usage): void {
    expect(row.endpoint).toBe('messages');
    expect(row.input_no_cache_tokens).toBe(usage.input_tokens);
    expect(row.input_cache_read_tokens).toBe(usage.cache_read_input_tokens);
    expect(row.input_cache_write_tokens).toBe(usage.cache_creation_input_tokens);
    expect(row.output_tokens).toBe(usage.output_tokens);
  }

  function postMessages(body: unknown, headers: Record<string, string> = { 'x-api-key': TEST_MASTER_KEY }) {
    return fetch(`${fleet.baseUrl}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...headers },
      body: JSON.stringify(body),
    });
  }

  describe.each(['claude-sonnet-4-6', 'opencodego-router'])('%s', (model) => {
    it('messages.create: a tool round trip, with usage rows for endpoint messages', async () => {
      const { data: first, response } = await client.messages
        .create({
          model,
          max_tokens: 512,
          tools: [weatherTool],
          messages: [{ role: 'user', content: toolAsk }],
        })
        .withResponse();

      expect(first).toMatchObject({ type: 'message', role: 'assistant', stop_reason: 'tool_use' });
      expect(first.id).toMatch(/^msg_/);
      const toolUse = first.content.find((block) => block.type === 'tool_use');
      expect(toolUse).toMatchObject({ type: 'tool_use', name: 'get_weather', input: expectedInput });
      expect(first.usage.input_tokens).toBeGreaterThan(0);
      expect(first.usage.output_tokens).toBeGreaterThan(0);
      expect(response.headers.get('x-litellm-model-group')).toBe(model);
      const callId = response.headers.get('x-litellm-call-id')!;
      expect(response.headers.get('request-id')).toBe(callId);
      const rows = await usageRowsOf(callId);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ model_group: model, stream: false });
      expectUsageRow(rows[0], first.usage);

      const second = await client.messages.create({
        model,
        max_tokens: 512,
        tools: [weatherTool],
        messages: [
          { role: 'user', content: toolAsk },
          { role: 'assistant', content: first.content },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse!.id, content: toolResult }] },
        ],
      });

      expect(second.stop_reason).toBe('end_turn');
      expect(second.content).toEqual([
        { type: 'text', text: `Mock reply from ${second.model}: tool result: ${toolResult}` },
      ]);
    });

    it('messages.stream: a tool round trip, usage from message_delta', async () => {
      const stream = client.messages.stream({
        model,
        max_tokens: 512,
        tools: [weatherTool],
        messages: [{ role: 'user', content: toolAsk }],
      });
      const types: string[] = [];
      for await (const event of stream) types.push(event.type);
      const first = await stream.finalMessage();

      expect(collapsed(types)).toEqual([
        'message_start',
        'content_block_start',
        'content_block_delta',
        'content_block_stop',
        'message_delta',
        'message_stop',
      ]);
      expect(first.stop_reason).toBe('tool_use');
      const toolUse = first.content.find((block) => block.type === 'tool_use');
      expect(toolUse).toMatchObject({ name: 'get_weather', input: expectedInput });
      const rows = await usageRowsOf(stream.response!.headers.get('x-litellm-call-id')!);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ model_group: model, stream: true });
      expectUsageRow(rows[0], first.usage);

      const second = await client.messages
        .stream({
          model,
          max_tokens: 512,
          tools: [weatherTool],
          messages: [
            { role: 'user', content: toolAsk },
            { role: 'assistant', content: first.content },
            {
              role: 'user',
              content: [{ type: 'tool_result', tool_use_id: toolUse!.id, content: toolResult }],
            },
          ],
        })
        .finalMessage();

      expect(second.stop_reason).toBe('end_turn');
      expect(second.content).toEqual([
        { type: 'text', text: `Mock reply from ${second.model}: tool result: ${toolResult}` },
      ]);
      expect(second.usage.output_tokens).toBeGreaterThan(0);
    });

    it('frames the raw stream exactly as Anthropic does', async () => {
      const response = await postMessages({
        model,
        max_tokens: 512,
        stream: true,
        tools: [weatherTool],
        messages: [{ role: 'user', content: toolAsk }],
      });

      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      expect(response.headers.get('x-litellm-model-group')).toBe(model);
      const frames = framesOf(await response.text());
      expect(collapsed(frames.map((frame) => frame.event))).toEqual([
        'message_start',
        'content_block_start',
        'ping',
        'content_block_delta',
        'content_block_stop',
        'message_delta',
        'message_stop',
      ]);
      const start = frames[0].data as { message: Anthropic.Message };
      expect(start.message).toMatchObject({
        type: 'message',
        role: 'assistant',
        content: [],
        stop_reason: null,
      });
      expect(start.message.usage.input_tokens).toBeGreaterThan(0);
      expect(frames[1].data).toMatchObject({
        index: 0,
        content_block: { type: 'tool_use', name: 'get_weather', input: {} },
      });
      const partialJson = frames
        .filter((frame) => frame.event === 'content_block_delta')
        .map((frame) => (frame.data.delta as { partial_json: string }).partial_json)
        .join('');
      expect(JSON.parse(partialJson)).toEqual(expectedInput);
      const delta = frames.at(-2)!.data as { delta: { stop_reason: string }; usage: Anthropic.Usage };
      expect(delta.delta.stop_reason).toBe('tool_use');
      const rows = await usageRowsOf(response.headers.get('x-litellm-call-id')!);
      expectUsageRow(rows[0], delta.usage);
    });
  });

  it('reports cached input apart: input_tokens excludes cache reads and writes', async () => {
    const system = [
      {
        type: 'text' as const,
        text: `Project handbook. ${'Keep functions small and names spelled out. '.repeat(120)}`,
      },
      { type: 'text' as const, text: 'Answer briefly.', cache_control: { type: 'ephemeral' as const } },
    ];

    const { data: message, response } = await client.messages
      .create({
        model: 'claude-sonnet-4-6',
        max_tokens: 256,
        system,
        messages: [
          { role: 'user', content: `Review this diff. ${'const value = compute(input);\n'.repeat(120)}` },
        ],
      })
      .withResponse();

    expect(message.usage.cache_read_input_tokens).toBeGreaterThan(0);
    expect(message.usage.cache_creation_input_tokens).toBeGreaterThan(0);
    const rows = await usageRowsOf(response.headers.get('x-litellm-call-id')!);
    expectUsageRow(rows[0], message.usage);
    expect(rows[0].input_tokens).toBe(
      message.usage.input_tokens +
        message.usage.cache_read_input_tokens! +
        message.usage.cache_creation_input_tokens!,
    );
  });

  it('counts tokens of a request, and refuses an unknown model with 404', async () => {
    const counted = await client.messages.countTokens({
      model: 'opencodego-router',
      system: 'You are terse.',
      tools: [weatherTool],
      messages: [{ role: 'user', content: toolAsk }],
    });

    expect(counted.input_tokens).toBeGreaterThan(20);
    await expect(
      client.messages.countTokens({ model: 'claude-nope-1', messages: [{ role: 'user', content: 'Hi' }] }),
    ).rejects.toMatchObject({ status: 404, error: { type: 'error', error: { type: 'not_found_error' } } });
  });

  it('answers a missing max_tokens with 400 in Anthropic’s envelope', async () => {
    const response = await postMessages({
      model: 'claude-sonnet-4-6',
      messages: [{ role: 'user', content: 'Hi' }],
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'max_tokens: Field required' },
    });
  });

  it('answers an unknown model with 404 naming it', async () => {
    const failure = await client.messages
      .create({ model: 'claude-nope-1', max_tokens: 16, messages: [{ role: 'user', content: 'Hi' }] })
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(Anthropic.NotFoundError);
    expect((failure as InstanceType<typeof Anthropic.NotFoundError>).error).toMatchObject({
      type: 'error',
      error: { type: 'not_found_error', message: expect.stringContaining('"claude-nope-1"') },
    });
  });

  it('answers a wrong key with 401 in Anthropic’s envelope', async () => {
    const stranger = new Anthropic({ apiKey: 'sk-wrong', baseURL: fleet.baseUrl, maxRetries: 0 });

    const failure = await stranger.messages
      .create({ model: 'claude-sonnet-4-6', max_tokens: 16, messages: [{ role: 'user', content: 'Hi' }] })
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((failure as InstanceType<typeof Anthropic.AuthenticationError>).error).toEqual({
      type: 'error',
      error: { type: 'authentication_error', message: 'Invalid API key.' },
    });
  });

  it('answers an OpenAI Chat Completions body with a 400 that says so', async () => {
    const response = await postMessages({
      model: 'gpt-5.4-mini',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
    });

    expect(response.status).toBe(400);
    const body = (await response.json()) as { type: string; error: { type: string; message: string } };
    expect(body.type).toBe('error');
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toContain('max_tokens: Field required');
    expect(body.error.message).toContain('OpenAI Chat Completions body');
    expect(body.error.message).toContain('/v1/chat/completions');
  });
});
