import { MockTestClient, parseSse, sseJson } from '../__fixtures__/mock-test-client';
import { isMistralModel } from '../shared/mock-format';
import { buildToolArguments } from '../shared/tool-arguments';

const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, days: { type: 'integer' } },
      required: ['city', 'days'],
    },
  },
};

describe(isMistralModel.name, () => {
  it('recognises Mistral model ids', () => {
    for (const model of [
      'mistral-small-2603',
      'open-mistral-nemo',
      'codestral-latest',
      'ministral-8b',
      'magistral-medium',
      'pixtral-large',
      'devstral-small',
    ]) {
      expect(isMistralModel(model)).toBe(true);
    }
    expect(isMistralModel('gpt-5.5')).toBe(false);
    expect(isMistralModel('deepseek-v4-pro')).toBe(false);
  });
});

describe('mock provider: Mistral chat completions', () => {
  let sut: MockTestClient;

  beforeAll(async () => {
    sut = await MockTestClient.start();
  });
  afterAll(async () => sut.close());
  beforeEach(async () => sut.reset());

  it("answers JSON in Mistral's shape", async () => {
    const response = await sut.openai({
      model: 'mistral-small-2603',
      messages: [{ role: 'user', content: 'Bonjour' }],
    });
    expect(response.status).toBe(200);
    const body = response.json;
    expect(body.id).toMatch(/^[0-9a-f]{32}$/);
    expect(body.object).toBe('chat.completion');
    const text = 'Mock reply from mistral-small-2603: Bonjour';
    expect(body.choices).toEqual([
      { index: 0, message: { role: 'assistant', tool_calls: null, content: text }, finish_reason: 'stop' },
    ]);
    expect(body.usage).toEqual({
      prompt_tokens: 2 + 3,
      total_tokens: 5 + Math.ceil(text.length / 4),
      completion_tokens: Math.ceil(text.length / 4),
    });
    expect(body.usage.prompt_tokens_details).toBeUndefined();
    expect((await sut.requests())[0].format).toBe('mistral');
  });

  it('puts the usage in the final chunk of every stream, without stream_options', async () => {
    const response = await sut.openai({
      model: 'mistral-medium-3-5',
      stream: true,
      messages: [{ role: 'user', content: 'Salut' }],
    });
    const events = parseSse(response.text);
    expect(events[events.length - 1].data).toBe('[DONE]');
    const chunks = sseJson(response.text);
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '' });
    const last = chunks[chunks.length - 1];
    expect(last.choices[0]).toEqual({ index: 0, delta: { content: '' }, finish_reason: 'stop' });
    expect(last.usage).toMatchObject({ prompt_tokens: 5 });
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === undefined)).toBe(true);
    expect(chunks.map((chunk) => chunk.choices[0].delta.content ?? '').join('')).toBe(
      'Mock reply from mistral-medium-3-5: Salut',
    );
  });

  it('sends a tool call whole in one chunk, with a 9-character alphanumeric id', async () => {
    const response = await sut.openai({
      model: 'mistral-small-2603',
      stream: true,
      messages: [{ role: 'user', content: 'what is the get_weather in Paris' }],
      tools: [weatherTool],
    });
    const chunks = sseJson(response.text);
    const calls = chunks.filter((chunk) => chunk.choices[0].delta.tool_calls !== undefined);
    expect(calls).toHaveLength(1);
    const call = calls[0].choices[0].delta.tool_calls[0];
    expect(call.id).toMatch(/^[a-zA-Z0-9]{9}$/);
    expect(call.function.name).toBe('get_weather');
    expect(JSON.parse(call.function.arguments)).toEqual(buildToolArguments(weatherTool.function.parameters));
    expect(chunks[chunks.length - 1].choices[0].finish_reason).toBe('tool_calls');
  });

  it('accepts tool_choice "any" and calls a tool', async () => {
    const response = await sut.openai({
      model: 'mistral-small-2603',
      messages: [{ role: 'user', content: 'hello' }],
      tools: [weatherTool],
      tool_choice: 'any',
    });
    expect(response.status).toBe(200);
    expect(response.json.choices[0].message.tool_calls[0].function.name).toBe('get_weather');
    expect(response.json.choices[0].message.tool_calls[0].id).toMatch(/^[a-zA-Z0-9]{9}$/);
  });

  it('rejects a tool message whose tool_call_id is not 9 alphanumerics, as Mistral does', async () => {
    const response = await sut.openai({
      model: 'mistral-small-2603',
      messages: [
        { role: 'user', content: 'weather?' },
        {
          role: 'assistant',
          content: '',
          tool_calls: [
            { id: 'abcDEF123', type: 'function', function: { name: 'get_weather', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_abc-123', content: 'sunny' },
      ],
    });
    expect(response.status).toBe(400);
    expect(response.json).toEqual({
      object: 'error',
      message: 'Tool call id was call_abc-123 but must be a-z, A-Z, 0-9, with a length of 9.',
      type: 'invalid_function_call',
      param: null,
      code: '3280',
    });
  });

  it('accepts a valid tool round trip and replies with text', async () => {
    const response = await sut.openai({
      model: 'mistral-small-2603',
      messages: [
        { role: 'user', content: 'weather?' },
        {
          role: 'assistant',
          content: '',
          tool_calls: [
            { id: 'abcDEF123', type: 'function', function: { name: 'get_weather', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'abcDEF123', content: 'sunny' },
      ],
      tools: [weatherTool],
    });
    expect(response.status).toBe(200);
    expect(response.json.choices[0].message.content).toBe(
      'Mock reply from mistral-small-2603: tool result: sunny',
    );
  });

  it('rejects stream_options with a 422 extra_forbidden, as Mistral does', async () => {
    const response = await sut.openai({
      model: 'mistral-small-2603',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(response.status).toBe(422);
    expect(response.json.message.detail[0]).toMatchObject({
      type: 'extra_forbidden',
      loc: ['body', 'stream_options'],
    });
  });

  it("answers a missing key with Mistral's 401 body", async () => {
    const response = await sut.post('/v1/chat/completions', {
      model: 'mistral-small-2603',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(response.status).toBe(401);
    expect(response.json).toEqual({
      message: 'Unauthorized',
      request_id: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
  });

  it('serves Mistral embeddings', async () => {
    const response = await sut.post(
      '/v1/embeddings',
      { model: 'mistral-embed', input: ['a', 'b'] },
      { authorization: 'Bearer k' },
    );
    expect(response.json).toMatchObject({
      object: 'list',
      model: 'mistral-embed',
      usage: { prompt_tokens: 2, total_tokens: 2, completion_tokens: 0 },
    });
    expect(response.json.id).toMatch(/^[0-9a-f]{32}$/);
    expect(response.json.data).toHaveLength(2);
  });
});
