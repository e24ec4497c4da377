import { MockTestClient, parseSse } from '../__fixtures__/mock-test-client';
import { buildToolArguments } from '../shared/tool-arguments';

const bashTool = {
  name: 'bash',
  description: 'Runs a command',
  input_schema: {
    type: 'object',
    properties: { command: { type: 'string' }, timeout: { type: 'number' } },
    required: ['command', 'timeout'],
  },
};

describe('mock provider: Anthropic messages', () => {
  let sut: MockTestClient;

  beforeAll(async () => {
    sut = await MockTestClient.start();
  });
  afterAll(async () => sut.close());
  beforeEach(async () => sut.reset());

  it('answers JSON with content blocks, stop_reason and usage', async () => {
    const response = await sut.anthropic({
      model: 'claude-sonnet-4-6',
      max_tokens: 1024,
      system: 'You are terse.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Name a colour' }] }],
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('request-id')).toMatch(/^req_/);
    const text = 'Mock reply from claude-sonnet-4-6: Name a colour';
    const input = Math.ceil(('You are terse.'.length + 'Name a colour'.length) / 4) + 2 * 3;
    expect(response.json).toEqual({
      id: expect.stringMatching(/^msg_01[A-Za-z0-9]{22}$/),
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-6',
      content: [{ type: 'text', text }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: {
        input_tokens: input,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
        output_tokens: Math.ceil(text.length / 4),
        service_tier: 'standard',
      },
    });
  });

  it("streams Anthropic's exact event sequence", async () => {
    const response = await sut.anthropic({
      model: 'claude-haiku-4-5',
      max_tokens: 256,
      stream: true,
      messages: [{ role: 'user', content: 'Hello Claude' }],
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const events = parseSse(response.text);
    expect(events.map((event) => event.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      ...Array<string>(8).fill('content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const data = events.map((event) => JSON.parse(event.data));
    data.forEach((payload, index) => expect(payload.type).toBe(events[index].event));
    expect(data[0].message).toMatchObject({
      type: 'message',
      role: 'assistant',
      content: [],
      stop_reason: null,
      model: 'claude-haiku-4-5',
    });
    expect(data[0].message.usage).toMatchObject({
      input_tokens: 3 + 3,
      cache_read_input_tokens: 0,
      output_tokens: 1,
    });
    expect(data[1]).toEqual({
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'text', text: '' },
    });
    const text = data
      .filter((payload) => payload.type === 'content_block_delta')
      .map((payload) => {
        expect(payload.delta.type).toBe('text_delta');
        return payload.delta.text;
      })
      .join('');
    expect(text).toBe('Mock reply from claude-haiku-4-5: Hello Claude');
    expect(data[data.length - 2]).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: {
        input_tokens: 6,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        output_tokens: Math.ceil(text.length / 4),
      },
    });
  });

  it('streams a tool_use block whose input arrives in several input_json_delta pieces', async () => {
    const response = await sut.anthropic({
      model: 'claude-opus-4-8',
      max_tokens: 256,
      stream: true,
      tools: [bashTool],
      messages: [{ role: 'user', content: 'run Bash: ls' }],
    });
    const data = parseSse(response.text).map((event) => JSON.parse(event.data));
    const start = data.find((payload) => payload.type === 'content_block_start');
    expect(start.content_block).toEqual({
      type: 'tool_use',
      id: expect.stringMatching(/^toolu_01[A-Za-z0-9]{22}$/),
      name: 'bash',
      input: {},
    });
    const pieces = data
      .filter((payload) => payload.type === 'content_block_delta')
      .map((payload) => payload.delta);
    expect(pieces.length).toBeGreaterThan(2);
    expect(pieces.every((piece) => piece.type === 'input_json_delta')).toBe(true);
    expect(JSON.parse(pieces.map((piece) => piece.partial_json).join(''))).toEqual(
      buildToolArguments(bashTool.input_schema),
    );
    expect(data.find((payload) => payload.type === 'message_delta').delta.stop_reason).toBe('tool_use');
  });

  it('answers a tool result with text', async () => {
    const response = await sut.anthropic({
      model: 'claude-opus-4-8',
      max_tokens: 256,
      tools: [bashTool],
      messages: [
        { role: 'user', content: 'run bash' },
        {
          role: 'assistant',
          content: [{ type: 'tool_use', id: 'toolu_1', name: 'bash', input: { command: 'ls', timeout: 1 } }],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'a.txt b.txt' }] },
      ],
    });
    expect(response.json.stop_reason).toBe('end_turn');
    expect(response.json.content).toEqual([
      { type: 'text', text: 'Mock reply from claude-opus-4-8: tool result: a.txt b.txt' },
    ]);
  });

  it('reports cache reads and, with cache_control, cache writes; input_tokens excludes both', async () => {
    const system = 'y'.repeat(8000); // 2000 tokens → 1920 cached
    const plain = await sut.anthropic({
      model: 'claude-sonnet-4-6',
      max_tokens: 64,
      system,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const prompt = 2000 + 1 + 2 * 3;
    expect(plain.json.usage).toMatchObject({
      cache_read_input_tokens: 1920,
      cache_creation_input_tokens: 0,
      input_tokens: prompt - 1920,
    });

    const marked = await sut.anthropic({
      model: 'claude-sonnet-4-6',
      max_tokens: 64,
      system: [{ type: 'text', text: system, cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: 'hi' }],
    });
    const written = Math.floor((prompt - 1920) / 256) * 128;
    expect(marked.json.usage).toMatchObject({
      cache_read_input_tokens: 1920,
      cache_creation_input_tokens: written,
      input_tokens: prompt - 1920 - written,
      cache_creation: { ephemeral_5m_input_tokens: written, ephemeral_1h_input_tokens: 0 },
    });
  });

  it('adds a thinking block and thinking tokens when thinking is enabled', async () => {
    const response = await sut.anthropic({
      model: 'claude-opus-4-8',
      max_tokens: 4096,
      thinking: { type: 'enabled', budget_tokens: 2048 },
      messages: [{ role: 'user', content: 'think' }],
    });
    const [thinking, text] = response.json.content;
    expect(thinking).toEqual({
      type: 'thinking',
      thinking: expect.stringContaining('Mock reasoning'),
      signature: expect.any(String),
    });
    expect(text.type).toBe('text');
    expect(response.json.usage.output_tokens_details).toEqual({ thinking_tokens: 64 });
    expect(response.json.usage.output_tokens).toBe(Math.ceil(text.text.length / 4) + 64);

    const streamed = await sut.anthropic({
      model: 'claude-opus-4-8',
      max_tokens: 4096,
      stream: true,
      thinking: { type: 'adaptive' },
      output_config: { effort: 'low' },
      messages: [{ role: 'user', content: 'think' }],
    });
    const data = parseSse(streamed.text).map((event) => JSON.parse(event.data));
    expect(data[1].content_block).toEqual({ type: 'thinking', thinking: '', signature: '' });
    const deltaTypes = data
      .filter((payload) => payload.type === 'content_block_delta' && payload.index === 0)
      .map((payload) => payload.delta.type);
    expect(deltaTypes[deltaTypes.length - 1]).toBe('signature_delta');
    expect(deltaTypes).toContain('thinking_delta');
    expect(data.find((payload) => payload.type === 'message_delta').usage.output_tokens_details).toEqual({
      thinking_tokens: 32,
    });
  });

  it('requires x-api-key (401), anthropic-version (400) and max_tokens (400), in Anthropic error format', async () => {
    const body = { model: 'claude-sonnet-4-6', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] };
    const noKey = await sut.post('/v1/messages', body, { 'anthropic-version': '2023-06-01' });
    expect(noKey.status).toBe(401);
    expect(noKey.json).toEqual({
      type: 'error',
      error: { type: 'authentication_error', message: 'x-api-key header is required' },
      request_id: expect.stringMatching(/^req_/),
    });
    const noVersion = await sut.post('/v1/messages', body, { 'x-api-key': 'k' });
    expect(noVersion.status).toBe(400);
    expect(noVersion.json.error).toEqual({
      type: 'invalid_request_error',
      message: 'anthropic-version: header is required',
    });
    const noMaxTokens = await sut.anthropic({
      model: 'claude-sonnet-4-6',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(noMaxTokens.status).toBe(400);
    expect(noMaxTokens.json.error).toEqual({
      type: 'invalid_request_error',
      message: 'max_tokens: Field required',
    });
  });

  it('counts tokens with /v1/messages/count_tokens', async () => {
    const response = await sut.post(
      '/v1/messages/count_tokens',
      {
        model: 'claude-sonnet-4-6',
        system: 'abcd',
        messages: [{ role: 'user', content: 'efgh' }],
        tools: [bashTool],
      },
      { 'x-api-key': 'k', 'anthropic-version': '2023-06-01' },
    );
    const toolCharacters =
      bashTool.name.length + bashTool.description.length + JSON.stringify(bashTool.input_schema).length;
    expect(response.json).toEqual({ input_tokens: Math.ceil((8 + toolCharacters) / 4) + 2 * 3 });
  });

  it('lists models in Anthropic format for Anthropic clients', async () => {
    const response = await sut.get('/v1/models', { 'x-api-key': 'k', 'anthropic-version': '2023-06-01' });
    expect(response.json.data).toContainEqual(
      expect.objectContaining({ type: 'model', id: 'claude-sonnet-4-6' }),
    );
    expect(response.json.has_more).toBe(false);
  });
});
