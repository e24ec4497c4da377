import { MockTestClient, openCodeChatRequest, parseSse, sseJson } from '../__fixtures__/mock-test-client';
import { embeddingVector } from '../shared/embedding-vector';
import { buildToolArguments } from '../shared/tool-arguments';

const readTool = {
  type: 'function',
  function: {
    name: 'read',
    description: 'Reads a file',
    parameters: {
      type: 'object',
      properties: { filePath: { type: 'string' }, offset: { type: 'number' }, limit: { type: 'number' } },
      required: ['filePath'],
    },
  },
};

describe('mock provider: OpenAI chat completions', () => {
  let sut: MockTestClient;

  beforeAll(async () => {
    sut = await MockTestClient.start();
  });
  afterAll(async () => sut.close());
  beforeEach(async () => sut.reset());

  it('answers JSON with the deterministic reply and usage computed from the input', async () => {
    const messages = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'What is the capital of France?' },
    ];
    const response = await sut.openai({ model: 'gpt-5.5', messages });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    const body = response.json;
    expect(body.object).toBe('chat.completion');
    expect(body.id).toMatch(/^chatcmpl-[A-Za-z0-9]{29}$/);
    expect(body.model).toBe('gpt-5.5');
    const text = 'Mock reply from gpt-5.5: What is the capital of France?';
    expect(body.choices).toEqual([
      {
        index: 0,
        message: { role: 'assistant', content: text, refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: 'stop',
      },
    ]);
    const prompt = Math.ceil(('Be brief.'.length + 'What is the capital of France?'.length) / 4) + 2 * 3;
    const completion = Math.ceil(text.length / 4);
    expect(body.usage).toEqual({
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: 0,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    });
  });

  it('also serves /chat/completions without the /v1 prefix', async () => {
    const response = await sut.post(
      '/chat/completions',
      { model: 'glm-5', messages: [{ role: 'user', content: 'hi' }] },
      { authorization: 'Bearer k' },
    );
    expect(response.status).toBe(200);
    expect(response.json.choices[0].message.content).toBe('Mock reply from glm-5: hi');
  });

  it('streams role, content pieces, finish and [DONE], without usage unless asked', async () => {
    const response = await sut.openai({
      model: 'gpt-5.4',
      stream: true,
      messages: [{ role: 'user', content: 'Tell me a story' }],
    });

    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const events = parseSse(response.text);
    expect(events[events.length - 1].data).toBe('[DONE]');
    const chunks = sseJson(response.text);
    expect(chunks).toHaveLength(1 + 8 + 1);
    expect(
      chunks.every((chunk) => chunk.object === 'chat.completion.chunk' && chunk.id === chunks[0].id),
    ).toBe(true);
    expect(chunks.every((chunk) => !('usage' in chunk))).toBe(true);
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '', refusal: null });
    const text = chunks
      .slice(1, -1)
      .map((chunk) => chunk.choices[0].delta.content)
      .join('');
    expect(text).toBe('Mock reply from gpt-5.4: Tell me a story');
    expect(chunks[chunks.length - 1].choices[0]).toEqual({
      index: 0,
      delta: {},
      logprobs: null,
      finish_reason: 'stop',
    });
  });

  it('ends the stream with a usage chunk when stream_options.include_usage is set', async () => {
    const response = await sut.openai({
      model: 'gpt-5.4',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'Hello' }],
    });
    const chunks = sseJson(response.text);
    const last = chunks[chunks.length - 1];
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({
      prompt_tokens: 2 + 3,
      completion_tokens: Math.ceil('Mock reply from gpt-5.4: Hello'.length / 4),
    });
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
  });

  it('cuts the stream into MOCK_STREAM_CHUNKS pieces', async () => {
    const custom = await MockTestClient.start({ streamChunks: 3 });
    try {
      const response = await custom.openai({
        model: 'gpt-5.5',
        stream: true,
        messages: [{ role: 'user', content: 'Hello' }],
      });
      expect(sseJson(response.text)).toHaveLength(1 + 3 + 1);
    } finally {
      await custom.close();
    }
  });

  it('calls a tool named in the last user message, with arguments built from its schema', async () => {
    const response = await sut.openai({
      model: 'gpt-5.5',
      messages: [{ role: 'user', content: 'Please read package.json' }],
      tools: [readTool],
    });
    const choice = response.json.choices[0];
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    expect(choice.message.tool_calls).toHaveLength(1);
    const call = choice.message.tool_calls[0];
    expect(call.id).toMatch(/^call_[A-Za-z0-9]{24}$/);
    expect(call.type).toBe('function');
    expect(call.function.name).toBe('read');
    expect(JSON.parse(call.function.arguments)).toEqual(buildToolArguments(readTool.function.parameters));
  });

  it('streams tool-call arguments across several deltas that assemble to the builder output', async () => {
    const response = await sut.openai({
      model: 'gpt-5.5',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'use READ on it' }],
      tools: [readTool],
    });
    const chunks = sseJson(response.text);
    const toolDeltas = chunks.filter((chunk) => chunk.choices[0]?.delta?.tool_calls !== undefined);
    expect(toolDeltas.length).toBeGreaterThan(2);
    const first = toolDeltas[0].choices[0].delta.tool_calls[0];
    expect(first).toMatchObject({ index: 0, type: 'function', function: { name: 'read', arguments: '' } });
    expect(first.id).toMatch(/^call_/);
    const argumentsJson = toolDeltas
      .map((chunk) => chunk.choices[0].delta.tool_calls[0].function.arguments)
      .join('');
    expect(JSON.parse(argumentsJson)).toEqual(buildToolArguments(readTool.function.parameters));
    const finish = chunks.find((chunk) => chunk.choices[0]?.finish_reason);
    expect(finish.choices[0].finish_reason).toBe('tool_calls');
  });

  it('replies with text when the conversation ends with a tool result', async () => {
    const response = await sut.openai({
      model: 'gpt-5.5',
      messages: [
        { role: 'user', content: 'read it' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'read', arguments: '{"filePath":"a"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'file contents here' },
      ],
      tools: [readTool],
    });
    expect(response.json.choices[0].finish_reason).toBe('stop');
    expect(response.json.choices[0].message.content).toBe(
      'Mock reply from gpt-5.5: tool result: file contents here',
    );
  });

  it('honours tool_choice required and none', async () => {
    const base = { model: 'gpt-5.5', messages: [{ role: 'user', content: 'read it' }], tools: [readTool] };
    const required = await sut.openai({
      ...base,
      messages: [{ role: 'user', content: 'hello' }],
      tool_choice: 'required',
    });
    expect(required.json.choices[0].message.tool_calls[0].function.name).toBe('read');
    const none = await sut.openai({ ...base, tool_choice: 'none' });
    expect(none.json.choices[0].message.tool_calls).toBeUndefined();
    const invalid = await sut.openai({ ...base, tool_choice: 'any' });
    expect(invalid.status).toBe(400);
    expect(invalid.json.error.param).toBe('tool_choice');
  });

  it('reports cached prompt tokens for a long system prompt and reasoning tokens for reasoning_effort', async () => {
    const system = 'x'.repeat(6000); // 1500 tokens → 1408 cached
    const response = await sut.openai({
      model: 'gpt-5.5',
      reasoning_effort: 'high',
      messages: [
        { role: 'system', content: system },
        { role: 'user', content: 'hi' },
      ],
    });
    const usage = response.json.usage;
    expect(usage.prompt_tokens).toBe(1501 + 6);
    expect(usage.prompt_tokens_details.cached_tokens).toBe(1408);
    expect(usage.completion_tokens_details.reasoning_tokens).toBe(128);
    expect(usage.completion_tokens).toBe(Math.ceil('Mock reply from gpt-5.5: hi'.length / 4) + 128);
  });

  it('answers a missing key with a 401 in OpenAI error format', async () => {
    const response = await sut.post('/v1/chat/completions', {
      model: 'gpt-5.5',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(response.status).toBe(401);
    expect(response.json).toEqual({
      error: {
        message: expect.stringContaining("You didn't provide an API key"),
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    });
  });

  it('answers invalid requests with a 400 naming the parameter', async () => {
    const missing = await sut.openai({ model: 'gpt-5.5' });
    expect(missing.status).toBe(400);
    expect(missing.json.error).toMatchObject({
      type: 'invalid_request_error',
      param: 'messages',
      code: 'missing_required_parameter',
    });
    const role = await sut.openai({ model: 'gpt-5.5', messages: [{ role: 'wizard', content: 'x' }] });
    expect(role.json.error.param).toBe('messages[0].role');
    const badJson = await sut.post('/v1/chat/completions', '{not json', { authorization: 'Bearer k' });
    expect(badJson.status).toBe(400);
    expect(badJson.json.error.type).toBe('invalid_request_error');
  });

  it('gives the OpenCode request (10 tools, include_usage) a valid stream ending in a usage chunk', async () => {
    const fixture = openCodeChatRequest();
    const response = await sut.post('/v1/chat/completions', fixture.body, {
      ...fixture.headers,
      authorization: 'Bearer oc',
    });

    expect(response.status).toBe(200);
    const events = parseSse(response.text);
    expect(events[events.length - 1].data).toBe('[DONE]');
    const chunks = sseJson(response.text);
    const text = chunks
      .filter((chunk) => chunk.choices.length > 0)
      .map((chunk) => chunk.choices[0].delta.content ?? '')
      .join('');
    expect(text).toBe('Mock reply from opencodego-router: Hello');
    const usageChunk = chunks[chunks.length - 1];
    expect(usageChunk.choices).toEqual([]);
    const systemCharacters: number = fixture.body.messages[0].content.length;
    const toolCharacters = fixture.body.tools.reduce(
      (sum: number, tool: { function: { name: string; description: string; parameters: unknown } }) =>
        sum +
        tool.function.name.length +
        tool.function.description.length +
        JSON.stringify(tool.function.parameters).length,
      0,
    );
    const prompt = Math.ceil((systemCharacters + 'Hello'.length + toolCharacters) / 4) + 2 * 3;
    expect(usageChunk.usage.prompt_tokens).toBe(prompt);
    expect(usageChunk.usage.prompt_tokens_details.cached_tokens).toBe(
      Math.floor(Math.ceil(systemCharacters / 4) / 128) * 128,
    );
    expect(usageChunk.usage.prompt_tokens_details.cached_tokens).toBeGreaterThan(0);
  });
});

describe('mock provider: OpenAI embeddings and models', () => {
  let sut: MockTestClient;

  beforeAll(async () => {
    sut = await MockTestClient.start();
  });
  afterAll(async () => sut.close());

  it('returns deterministic unit vectors of 8 dimensions, or as many as asked', async () => {
    const response = await sut.post(
      '/v1/embeddings',
      { model: 'text-embedding-3-small', input: ['hello world', 'bye'] },
      { authorization: 'Bearer k' },
    );
    expect(response.status).toBe(200);
    expect(response.json.object).toBe('list');
    expect(response.json.data).toEqual([
      { object: 'embedding', index: 0, embedding: embeddingVector('hello world', 8) },
      { object: 'embedding', index: 1, embedding: embeddingVector('bye', 8) },
    ]);
    const norm = Math.hypot(...(response.json.data[0].embedding as number[]));
    expect(norm).toBeCloseTo(1, 10);
    expect(response.json.usage).toEqual({ prompt_tokens: 3 + 1, total_tokens: 4 });

    const sized = await sut.post(
      '/embeddings',
      { model: 'm', input: 'x', dimensions: 3 },
      { authorization: 'Bearer k' },
    );
    expect(sized.json.data[0].embedding).toHaveLength(3);
  });

  it('encodes vectors as base64 float32 when asked (the openai SDK default)', async () => {
    const response = await sut.post(
      '/v1/embeddings',
      { model: 'text-embedding-3-small', input: 'hello', encoding_format: 'base64' },
      { authorization: 'Bearer k' },
    );
    const bytes = Buffer.from(response.json.data[0].embedding as string, 'base64');
    const decoded = Array.from({ length: bytes.length / 4 }, (_, index) => bytes.readFloatLE(index * 4));
    embeddingVector('hello').forEach((value, index) => expect(decoded[index]).toBeCloseTo(value, 6));
  });

  it('lists models in OpenAI format', async () => {
    const response = await sut.get('/v1/models', { authorization: 'Bearer k' });
    expect(response.json.object).toBe('list');
    expect(response.json.data).toContainEqual(expect.objectContaining({ id: 'gpt-5.5', object: 'model' }));
    expect((await sut.get('/models')).status).toBe(401);
  });
});
