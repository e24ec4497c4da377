import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnthropicMessagesRequest } from './anthropic-messages-request';
import { parseAnthropicMessagesRequest } from './parse-anthropic-request';
import { toChatCompletionRequest, wantsThinking } from './to-chat-completion-request';

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(join(__dirname, '__fixtures__', name), 'utf8')) as unknown;
}

function request(extra: Partial<AnthropicMessagesRequest> = {}): AnthropicMessagesRequest {
  return parseAnthropicMessagesRequest({
    model: 'claude-sonnet-4-6',
    max_tokens: 256,
    messages: [{ role: 'user', content: 'Hi' }],
    ...extra,
  });
}

const weatherTool = {
  name: 'get_weather',
  description: 'Weather of a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe(toChatCompletionRequest.name, () => {
  it('translates every block type of the fixture to the canonical request', () => {
    const sut = toChatCompletionRequest;

    const canonical = sut(parseAnthropicMessagesRequest(fixture('anthropic-request-every-block.json')));

    expect(canonical).toEqual(fixture('canonical-request-every-block.json'));
  });

  it('keeps a plain conversation plain, without stream options when not streaming', () => {
    expect(toChatCompletionRequest(request({ system: 'Be brief.' }))).toEqual({
      model: 'claude-sonnet-4-6',
      max_tokens: 256,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
    });
  });

  it('always asks for the usage chunk when streaming', () => {
    expect(toChatCompletionRequest(request({ stream: true }))).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('sends a single text block without cache control as a string', () => {
    const canonical = toChatCompletionRequest(
      request({ messages: [{ role: 'user', content: [{ type: 'text', text: 'Only this' }] }] }),
    );

    expect(canonical.messages).toEqual([{ role: 'user', content: 'Only this' }]);
  });

  it.each([
    [{ type: 'auto' }, 'auto'],
    [{ type: 'any' }, 'required'],
    [{ type: 'none' }, 'none'],
    [
      { type: 'tool', name: 'get_weather' },
      { type: 'function', function: { name: 'get_weather' } },
    ],
  ] as const)('maps tool_choice %j to %j', (toolChoice, expected) => {
    const canonical = toChatCompletionRequest(request({ tools: [weatherTool], tool_choice: toolChoice }));

    expect(canonical.tool_choice).toEqual(expected);
    expect(canonical.parallel_tool_calls).toBeUndefined();
  });

  it('drops tool_choice when no tool is offered', () => {
    expect(toChatCompletionRequest(request({ tool_choice: { type: 'any' } })).tool_choice).toBeUndefined();
  });

  it.each([
    [{ type: 'enabled', budget_tokens: 1024 }, undefined, 'low'],
    [{ type: 'enabled', budget_tokens: 2048 }, undefined, 'medium'],
    [{ type: 'enabled', budget_tokens: 31999 }, undefined, 'high'],
    [{ type: 'adaptive' }, undefined, 'medium'],
    [{ type: 'adaptive' }, 'low', 'low'],
    [{ type: 'adaptive' }, 'max', 'high'],
    [{ type: 'disabled' }, undefined, undefined],
  ] as const)('maps thinking %j (effort %s) to reasoning_effort %s', (thinking, effort, expected) => {
    const canonical = toChatCompletionRequest(
      request({ thinking, max_tokens: 32000, output_config: effort ? { effort } : undefined }),
    );

    expect(canonical.reasoning_effort).toBe(expected);
    expect(wantsThinking({ thinking })).toBe(expected !== undefined);
  });

  it('maps a JSON schema output format to response_format', () => {
    const schema = { type: 'object', properties: { answer: { type: 'string' } } };

    const canonical = toChatCompletionRequest(
      request({ output_config: { format: { type: 'json_schema', schema } } }),
    );

    expect(canonical.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'response', schema },
    });
  });

  it('drops an assistant turn that held only thinking', () => {
    const canonical = toChatCompletionRequest(
      request({
        messages: [
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: [{ type: 'thinking', thinking: 'hmm', signature: 'x' }] },
          { role: 'user', content: 'Still there?' },
        ],
      }),
    );

    expect(canonical.messages.map((message) => message.role)).toEqual(['user', 'user']);
  });

  it('passes document sources it cannot translate as native blocks', () => {
    const document = { type: 'document' as const, source: { type: 'url', url: 'https://example.com/a.pdf' } };

    const canonical = toChatCompletionRequest(request({ messages: [{ role: 'user', content: [document] }] }));

    expect(canonical.messages).toEqual([{ role: 'user', content: [document] }]);
  });
});
