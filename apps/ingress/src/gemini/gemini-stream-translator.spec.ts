import type { ChatCompletionChunk, TokenUsage } from '@switchyard/contracts';
import { GeminiStreamTranslator } from './gemini-stream-translator';

function chunk(
  delta: ChatCompletionChunk['choices'][number]['delta'],
  finish: ChatCompletionChunk['choices'][number]['finish_reason'] = null,
): ChatCompletionChunk {
  return {
    id: 'r1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'm-1',
    choices: [{ index: 0, delta, finish_reason: finish }],
  };
}

const usage: TokenUsage = {
  input: { total: 100, noCache: 40, cacheRead: 60, cacheWrite: 0 },
  output: { total: 30, reasoning: 10 },
};

describe(GeminiStreamTranslator.name, () => {
  it('sends thoughts and text as they come, function calls whole in the last event with usage', () => {
    const sut = new GeminiStreamTranslator({ requestedModel: 'router', includeThoughts: true });
    const events = [
      ...sut.push(chunk({ role: 'assistant', reasoning_content: 'hmm' })),
      ...sut.push(chunk({ content: 'Let me look.' })),
      ...sut.push(
        chunk({
          tool_calls: [
            {
              index: 0,
              id: 'call_1',
              type: 'function',
              function: { name: 'read_file', arguments: '{"path":' },
              extra_content: { google: { thought_signature: 'sig' } },
            } as never,
          ],
        }),
      ),
      ...sut.push(chunk({ tool_calls: [{ index: 0, function: { arguments: '"a.ts"}' } }] }, 'tool_calls')),
    ];
    expect(events.map((event) => event.candidates[0].content.parts)).toEqual([
      [{ text: 'hmm', thought: true }],
      [{ text: 'Let me look.' }],
    ]);
    expect(sut.finish(usage)).toEqual({
      candidates: [
        {
          content: {
            parts: [
              {
                functionCall: { name: 'read_file', args: { path: 'a.ts' }, id: 'call_1' },
                thoughtSignature: 'sig',
              },
            ],
            role: 'model',
          },
          finishReason: 'STOP',
          index: 0,
        },
      ],
      usageMetadata: {
        promptTokenCount: 100,
        candidatesTokenCount: 20,
        totalTokenCount: 130,
        cachedContentTokenCount: 60,
        thoughtsTokenCount: 10,
      },
      modelVersion: 'm-1',
      responseId: 'r1',
    });
  });

  it('leaves reasoning out unless includeThoughts, and maps length to MAX_TOKENS', () => {
    const sut = new GeminiStreamTranslator({ requestedModel: 'router', includeThoughts: false });
    expect(sut.push(chunk({ reasoning_content: 'hidden' }))).toEqual([]);
    sut.push(chunk({ content: 'cut' }, 'length'));
    expect(sut.finish(usage).candidates[0].finishReason).toBe('MAX_TOKENS');
  });
});
