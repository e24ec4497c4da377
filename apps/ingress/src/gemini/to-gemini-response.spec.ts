import type { ChatCompletion, TokenUsage } from '@switchyard/contracts';
import { toGeminiFinishReason, toGeminiResponse, toGeminiUsage } from './to-gemini-response';

const usage: TokenUsage = {
  input: { total: 12, noCache: 12, cacheRead: 0, cacheWrite: 0 },
  output: { total: 8, reasoning: 0 },
};

function completion(
  message: ChatCompletion['choices'][number]['message'],
  finish: 'stop' | 'tool_calls' | 'content_filter',
): ChatCompletion {
  return {
    id: 'resp-9',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-5.4-mini',
    choices: [{ index: 0, message, finish_reason: finish }],
  };
}

describe('toGeminiResponse', () => {
  it('writes text, thoughts (when asked) and function calls with args objects', () => {
    const sut = toGeminiResponse(
      completion(
        {
          role: 'assistant',
          content: 'Checking.',
          reasoning_content: 'first think',
          tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'f', arguments: '{"x":1}' } }],
        },
        'tool_calls',
      ),
      usage,
      { requestedModel: 'router', includeThoughts: true },
    );
    expect(sut).toEqual({
      candidates: [
        {
          content: {
            parts: [
              { text: 'first think', thought: true },
              { text: 'Checking.' },
              { functionCall: { name: 'f', args: { x: 1 }, id: 'call_a' } },
            ],
            role: 'model',
          },
          finishReason: 'STOP',
          index: 0,
        },
      ],
      usageMetadata: { promptTokenCount: 12, candidatesTokenCount: 8, totalTokenCount: 20 },
      modelVersion: 'gpt-5.4-mini',
      responseId: 'resp-9',
    });
  });

  it('answers an empty message with one empty text part, and content_filter as SAFETY', () => {
    const sut = toGeminiResponse(completion({ role: 'assistant', content: null }, 'content_filter'), usage, {
      requestedModel: 'm',
      includeThoughts: false,
    });
    expect(sut.candidates[0]).toEqual({
      content: { parts: [{ text: '' }], role: 'model' },
      finishReason: 'SAFETY',
      index: 0,
    });
  });

  it('keeps broken tool arguments readable instead of failing', () => {
    const sut = toGeminiResponse(
      completion(
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{"x":' } }],
        },
        'tool_calls',
      ),
      usage,
      { requestedModel: 'm', includeThoughts: false },
    );
    expect(sut.candidates[0].content.parts[0].functionCall!.args).toEqual({ arguments: '{"x":' });
  });

  it.each([
    ['stop', 'STOP'],
    ['length', 'MAX_TOKENS'],
    ['tool_calls', 'STOP'],
    ['content_filter', 'SAFETY'],
    [null, 'STOP'],
  ] as const)('finish reason %s → %s', (reason, expected) => {
    expect(toGeminiFinishReason(reason)).toBe(expected);
  });

  it('counts cached tokens inside the prompt and thoughts outside the candidates', () => {
    expect(
      toGeminiUsage({
        input: { total: 50, noCache: 10, cacheRead: 40, cacheWrite: 0 },
        output: { total: 9, reasoning: 4 },
      }),
    ).toEqual({
      promptTokenCount: 50,
      candidatesTokenCount: 5,
      totalTokenCount: 59,
      cachedContentTokenCount: 40,
      thoughtsTokenCount: 4,
    });
  });
});
