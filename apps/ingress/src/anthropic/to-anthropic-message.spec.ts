import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChatCompletion } from '@switchyard/contracts';
import { convertOpenAIUsage } from '@switchyard/providers';
import { toAnthropicMessage } from './to-anthropic-message';

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(join(__dirname, '__fixtures__', name), 'utf8')) as unknown;
}

const CALL_ID = 'c0ffee00-0000-4000-8000-000000000001';

describe(toAnthropicMessage.name, () => {
  const sut = toAnthropicMessage;

  it('turns a text completion into a message whose input_tokens exclude cached tokens', () => {
    const completion = fixture('openai-completion-text.json') as ChatCompletion;

    const message = sut(completion, convertOpenAIUsage(completion.usage), {
      requestedModel: 'gpt-5.4-mini',
      callId: CALL_ID,
      includeThinking: false,
    });

    expect(message).toEqual(fixture('anthropic-message-text.json'));
    expect(JSON.stringify(message)).toBe(JSON.stringify(fixture('anthropic-message-text.json')));
  });

  it('turns tool calls into tool_use blocks with parsed input, and reasoning into thinking when asked', () => {
    const completion = fixture('openai-completion-tool-calls.json') as ChatCompletion;

    const message = sut(completion, convertOpenAIUsage(completion.usage), {
      requestedModel: 'claude-sonnet-4-6',
      callId: CALL_ID,
      includeThinking: true,
    });

    expect(message).toEqual(fixture('anthropic-message-tool-use.json'));
  });

  it('leaves reasoning out when thinking was not asked for', () => {
    const completion = fixture('openai-completion-tool-calls.json') as ChatCompletion;

    const message = sut(completion, convertOpenAIUsage(completion.usage), {
      requestedModel: 'claude-sonnet-4-6',
      callId: CALL_ID,
      includeThinking: false,
    });

    expect(message.content.map((block) => block.type)).toEqual(['text', 'tool_use', 'tool_use']);
  });

  it.each([
    ['length', 'max_tokens'],
    ['content_filter', 'refusal'],
    ['stop', 'end_turn'],
    [null, 'end_turn'],
  ] as const)('maps finish reason %s to stop_reason %s', (finishReason, stopReason) => {
    const completion: ChatCompletion = {
      id: '',
      object: 'chat.completion',
      created: 0,
      model: '',
      choices: [{ index: 0, message: { role: 'assistant', content: 'x' }, finish_reason: finishReason }],
    };

    const message = sut(completion, convertOpenAIUsage(undefined), {
      requestedModel: 'opencodego-router',
      callId: CALL_ID,
      includeThinking: false,
    });

    expect(message).toMatchObject({
      id: 'msg_c0ffee00000040008000000000000001',
      model: 'opencodego-router',
      stop_reason: stopReason,
    });
  });

  it('calls a reply with tool calls tool_use even when the provider said stop', () => {
    const completion: ChatCompletion = {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 0,
      model: 'kimi-k2.6',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: 'call_1', type: 'function', function: { name: 'read', arguments: 'not json' } },
            ],
          },
          finish_reason: 'stop',
        },
      ],
    };

    const message = sut(completion, convertOpenAIUsage(undefined), {
      requestedModel: 'kimi',
      callId: CALL_ID,
      includeThinking: false,
    });

    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([{ type: 'tool_use', id: 'call_1', name: 'read', input: {} }]);
  });
});
