import { TEST_MASTER_KEY, TestFleet } from '@switchyard/testing';

interface Case {
  name: string;
  /** default: the OpenAI path. */
  path?: string;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  status: number;
  type: string;
  param?: string;
}

const user = (content: unknown) => ({ role: 'user', content });
const valid = { model: 'gpt-5.4-mini', messages: [user('hello')] };

/** Malformed requests on the OpenAI path: each gets the right status and OpenAI's error envelope. */
const cases: Case[] = [
  { name: 'empty body', raw: '', status: 400, type: 'invalid_request_error' },
  {
    name: 'invalid JSON',
    raw: '{"model": "gpt-5.4-mini", "messages": [',
    status: 400,
    type: 'invalid_request_error',
  },
  {
    name: 'JSON with trailing garbage',
    raw: `${JSON.stringify(valid)} trailing`,
    status: 400,
    type: 'invalid_request_error',
  },
  { name: 'a JSON array', body: [valid], status: 400, type: 'invalid_request_error' },
  { name: 'a JSON string', body: 'hello', status: 400, type: 'invalid_request_error' },
  {
    name: 'missing model',
    body: { messages: [user('hi')] },
    status: 400,
    type: 'invalid_request_error',
    param: 'model',
  },
  {
    name: 'model is a number',
    body: { ...valid, model: 123 },
    status: 400,
    type: 'invalid_request_error',
    param: 'model',
  },
  {
    name: 'missing messages',
    body: { model: 'gpt-5.4-mini' },
    status: 400,
    type: 'invalid_request_error',
    param: 'messages',
  },
  {
    name: 'messages is an object',
    body: { ...valid, messages: user('hi') },
    status: 400,
    type: 'invalid_request_error',
    param: 'messages',
  },
  {
    name: 'empty messages',
    body: { ...valid, messages: [] },
    status: 400,
    type: 'invalid_request_error',
    param: 'messages',
  },
  {
    name: 'a null message',
    body: { ...valid, messages: [null] },
    status: 400,
    type: 'invalid_request_error',
    param: 'messages[0]',
  },
  {
    name: 'unknown role',
    body: { ...valid, messages: [{ role: 'robot', content: 'hi' }] },
    status: 400,
    type: 'invalid_request_error',
    param: 'messages[0]',
  },
  {
    name: 'user message without content',
    body: { ...valid, messages: [{ role: 'user' }] },
    status: 400,
    type: 'invalid_request_error',
    param: 'messages[0]',
  },
  {
    name: 'content is a number',
    body: { ...valid, messages: [user(42)] },
    status: 400,
    type: 'invalid_request_error',
    param: 'messages[0]',
  },
  {
    name: 'tool message without tool_call_id',
    body: { ...valid, messages: [user('hi'), { role: 'tool', content: 'result' }] },
    status: 400,
    type: 'invalid_request_error',
    param: 'messages[1]',
  },
  {
    name: 'tool call without id',
    body: {
      ...valid,
      messages: [
        user('hi'),
        {
          role: 'assistant',
          tool_calls: [{ type: 'function', function: { name: 'read', arguments: '{}' } }],
        },
      ],
    },
    status: 400,
    type: 'invalid_request_error',
    param: 'messages[1]',
  },
  {
    name: 'tool call arguments that are not a string',
    body: {
      ...valid,
      messages: [
        user('hi'),
        {
          role: 'assistant',
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'read', arguments: { a: 1 } } }],
        },
      ],
    },
    status: 400,
    type: 'invalid_request_error',
    param: 'messages[1]',
  },
  { name: 'n of 0', body: { ...valid, n: 0 }, status: 400, type: 'invalid_request_error', param: 'n' },
  { name: 'n of 1.5', body: { ...valid, n: 1.5 }, status: 400, type: 'invalid_request_error', param: 'n' },
  {
    name: 'negative max_tokens',
    body: { ...valid, max_tokens: -5 },
    status: 400,
    type: 'invalid_request_error',
    param: 'max_tokens',
  },
  {
    name: 'max_tokens as a string',
    body: { ...valid, max_tokens: '10' },
    status: 400,
    type: 'invalid_request_error',
    param: 'max_tokens',
  },
  {
    name: 'temperature of 3',
    body: { ...valid, temperature: 3 },
    status: 400,
    type: 'invalid_request_error',
    param: 'temperature',
  },
  {
    name: 'top_p of 2',
    body: { ...valid, top_p: 2 },
    status: 400,
    type: 'invalid_request_error',
    param: 'top_p',
  },
  {
    name: 'stream is "yes"',
    body: { ...valid, stream: 'yes' },
    status: 400,
    type: 'invalid_request_error',
    param: 'stream',
  },
  {
    name: 'stream_options is a string',
    body: { ...valid, stream_options: 'usage' },
    status: 400,
    type: 'invalid_request_error',
    param: 'stream_options',
  },
  {
    name: 'tools is an object',
    body: { ...valid, tools: { type: 'function' } },
    status: 400,
    type: 'invalid_request_error',
    param: 'tools',
  },
  {
    name: 'tool without a name',
    body: { ...valid, tools: [{ type: 'function', function: { parameters: {} } }] },
    status: 400,
    type: 'invalid_request_error',
    param: 'tools[0].function.name',
  },
  {
    name: 'unknown tool_choice',
    body: { ...valid, tool_choice: 'sometimes' },
    status: 400,
    type: 'invalid_request_error',
    param: 'tool_choice',
  },
  {
    name: 'five stop sequences',
    body: { ...valid, stop: ['a', 'b', 'c', 'd', 'e'] },
    status: 400,
    type: 'invalid_request_error',
    param: 'stop',
  },
  {
    name: 'an Anthropic body on the OpenAI path',
    body: {
      model: 'claude-sonnet-4-6',
      max_tokens: 100,
      system: 'be brief',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    },
    status: 400,
    type: 'invalid_request_error',
    param: 'system',
  },
  {
    name: 'Anthropic tool_result blocks on the OpenAI path',
    body: {
      model: 'claude-sonnet-4-6',
      messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'ok' }] }],
    },
    status: 400,
    type: 'invalid_request_error',
    param: 'messages',
  },
  {
    name: 'an OpenAI body on the Anthropic path',
    path: '/v1/messages',
    body: { model: 'claude-sonnet-4-6', messages: [{ role: 'system', content: 'be brief' }, user('hi')] },
    status: 400,
    type: 'invalid_request_error',
  },
  {
    name: 'a body that is not JSON on the Anthropic path',
    path: '/v1/messages',
    raw: '{"model": ',
    status: 400,
    type: 'invalid_request_error',
  },
  {
    name: 'an unknown model',
    body: { ...valid, model: 'gpt-9' },
    status: 404,
    type: 'not_found_error',
    param: 'model',
  },
  {
    name: 'no API key',
    body: valid,
    headers: { authorization: '' },
    status: 401,
    type: 'authentication_error',
  },
  {
    name: 'a wrong API key',
    body: valid,
    headers: { authorization: 'Bearer sk-nope' },
    status: 401,
    type: 'authentication_error',
  },
  {
    name: 'a 20 MB body',
    raw: JSON.stringify({ ...valid, messages: [user('x'.repeat(20 * 1024 * 1024))] }),
    status: 413,
    type: 'invalid_request_error',
  },
];

describe('malformed requests get the right status and envelope', () => {
  let fleet: TestFleet;

  beforeAll(async () => {
    fleet = await TestFleet.start();
  });

  afterAll(async () => {
    await fleet?.stop();
  });

  it('has at least 30 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases.map((item) => [item.name, item] as const))('%s', async (_name, item) => {
    const response = await fetch(`${fleet.baseUrl}${item.path ?? '/v1/chat/completions'}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${TEST_MASTER_KEY}`,
        ...item.headers,
      },
      body: item.raw ?? JSON.stringify(item.body),
    });
    expect(response.status).toBe(item.status);
    if (item.path === '/v1/messages') {
      // Anthropic's envelope on Anthropic's path
      const anthropic = (await response.json()) as { type: string; error: { type: string; message: string } };
      expect(anthropic.type).toBe('error');
      expect(anthropic.error.type).toBe(item.type);
      expect(anthropic.error.message.length).toBeGreaterThan(10);
      return;
    }
    const envelope = (await response.json()) as {
      error: { message: string; type: string; param: string | null; code: string | null };
    };
    expect(Object.keys(envelope)).toEqual(['error']);
    expect(Object.keys(envelope.error).sort()).toEqual(['code', 'message', 'param', 'type']);
    expect(envelope.error.type).toBe(item.type);
    expect(envelope.error.message.length).toBeGreaterThan(10);
    // the param names the field exactly; cases list the part of the request it is in
    if (item.param) expect(envelope.error.param?.startsWith(item.param)).toBe(true);
  });

  it('keeps answering after all of them', async () => {
    const response = await fetch(`${fleet.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_MASTER_KEY}` },
      body: JSON.stringify(valid),
    });
    expect(response.status).toBe(200);
  });
});
