import { GatewayError } from '@switchyard/contracts';
import {
  looksLikeOpenAIChatBody,
  parseAnthropicMessagesRequest,
  parseAnthropicTokenCountRequest,
} from './parse-anthropic-request';

function thrown(action: () => unknown): GatewayError {
  try {
    action();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
}

const valid = { model: 'claude-sonnet-4-6', max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }] };

describe(parseAnthropicMessagesRequest.name, () => {
  const sut = parseAnthropicMessagesRequest;

  it('accepts a minimal request and keeps unknown top-level parameters', () => {
    expect(sut({ ...valid, service_tier: 'auto' })).toEqual({ ...valid, service_tier: 'auto' });
  });

  it('bounds metadata.user_id (256 characters) and metadata (16 KiB, 8 levels) with a 400 naming the field', () => {
    expect(sut({ ...valid, metadata: { user_id: 'u'.repeat(256) } }).metadata?.user_id).toHaveLength(256);
    const long = thrown(() => sut({ ...valid, metadata: { user_id: 'u'.repeat(7 * 1024 * 1024) } }));
    expect(long.status).toBe(400);
    expect(long.message).toBe('metadata.user_id: must be at most 256 characters');
    const large = thrown(() => sut({ ...valid, metadata: { user_id: 'u', note: 'n'.repeat(20_000) } }));
    expect(large.message).toContain('metadata: must be at most 16384 bytes as JSON');
    const nine = { a: { b: { c: { d: { e: { f: { g: { h: {} } } } } } } } };
    const deep = thrown(() => sut({ ...valid, metadata: nine }));
    expect(deep.message).toBe('metadata: must be nested at most 8 levels deep');
  });

  it('accepts a system message that follows a user turn', () => {
    const body = {
      ...valid,
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'system', content: 'Answer in French.' },
      ],
    };

    expect(sut(body).messages).toHaveLength(2);
  });

  it('names a missing max_tokens the way Anthropic does', () => {
    const error = thrown(() =>
      sut({ model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'Hi' }] }),
    );

    expect(error).toMatchObject({ status: 400, type: 'invalid_request_error', param: 'max_tokens' });
    expect(error.message).toBe('max_tokens: Field required');
  });

  it('says so when the body is an OpenAI Chat Completions body', () => {
    const error = thrown(() =>
      sut({
        model: 'gpt-5.4-mini',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hi' },
        ],
      }),
    );

    expect(error.status).toBe(400);
    expect(error.message).toMatch(
      /^max_tokens: Field required\. This looks like an OpenAI Chat Completions body/,
    );
    expect(error.message).toContain('/v1/chat/completions');
  });

  it('refuses a leading system message and points at the system parameter', () => {
    const error = thrown(() =>
      sut({
        ...valid,
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hi' },
        ],
      }),
    );

    expect(error.param).toBe('messages.0.role');
    expect(error.message).toMatch(
      /^messages\.0\.role: a system message must follow a user turn; put the system prompt in the top-level 'system' parameter\./,
    );
  });

  it('names the role it does not know', () => {
    const error = thrown(() =>
      sut({
        ...valid,
        messages: [
          { role: 'user', content: 'Hi' },
          { role: 'tool', tool_call_id: 'a', content: 'x' },
        ],
      }),
    );

    expect(error.message).toMatch(
      /^messages\.1\.role: Input tag "tool" found using 'role' does not match any of the expected tags: 'user', 'assistant', 'system'\. This looks like an OpenAI/,
    );
  });

  it('names the content block type it does not know', () => {
    const error = thrown(() => sut({ ...valid, messages: [{ role: 'user', content: [{ type: 'video' }] }] }));

    expect(error.message).toBe(
      "messages.0.content.0.type: Input tag \"video\" found using 'type' does not match any of the expected tags: 'text', 'image', 'document', 'tool_result'",
    );
  });

  it('names the missing field of a block', () => {
    const error = thrown(() =>
      sut({
        ...valid,
        messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'read' }] }],
      }),
    );

    expect(error.message).toBe('messages.0.content.0.input: Field required');
  });

  it('says what content may be', () => {
    expect(thrown(() => sut({ ...valid, messages: [{ role: 'user', content: 5 }] })).message).toBe(
      'messages.0.content: Input should be a string or a list of content blocks',
    );
  });

  it('refuses server tools by name', () => {
    const error = thrown(() =>
      sut({ ...valid, tools: [{ type: 'web_search_20250305', name: 'web_search' }] }),
    );

    expect(error.message).toMatch(
      /^tools\.0\.type: the server tool "web_search_20250305" runs on Anthropic's platform/,
    );
  });

  it('requires input_schema on a client tool', () => {
    expect(thrown(() => sut({ ...valid, tools: [{ name: 'read' }] })).message).toBe(
      'tools.0.input_schema: Field required',
    );
  });

  it('checks ranges', () => {
    expect(thrown(() => sut({ ...valid, temperature: 1.5 })).message).toBe(
      'temperature: Too big: expected number to be <=1',
    );
  });

  it('refuses a body that is not an object', () => {
    expect(thrown(() => sut([valid]))).toMatchObject({ status: 400, code: 'invalid_body' });
  });
});

describe(parseAnthropicTokenCountRequest.name, () => {
  it('does not need max_tokens', () => {
    const { max_tokens: _maxTokens, ...body } = valid;

    expect(parseAnthropicTokenCountRequest(body).messages).toHaveLength(1);
  });
});

describe(looksLikeOpenAIChatBody.name, () => {
  it.each([
    [{ messages: [{ role: 'user', content: 'Hi' }], max_tokens: 5 }, false],
    [
      {
        messages: [
          { role: 'user', content: 'Hi' },
          { role: 'system', content: 'x' },
        ],
      },
      false,
    ],
    [{ messages: [{ role: 'developer', content: 'x' }] }, true],
    [{ messages: [{ role: 'assistant', content: null, tool_calls: [] }] }, true],
    [{ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'x' } }] }] }, true],
    [{ messages: [], tools: [{ type: 'function', function: { name: 'f' } }] }, true],
    [{ messages: [], max_completion_tokens: 5 }, true],
  ])('%j → %s', (body, expected) => {
    expect(looksLikeOpenAIChatBody(body)).toBe(expected);
  });
});
