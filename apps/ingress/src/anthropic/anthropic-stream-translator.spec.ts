import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChatCompletionChunk } from '@switchyard/contracts';
import { convertOpenAIUsage } from '@switchyard/providers';
import { anthropicSseFrame } from './anthropic-sse-writer';
import { AnthropicStreamTranslator } from './anthropic-stream-translator';

function readFixture(name: string): string {
  return readFileSync(join(__dirname, '__fixtures__', name), 'utf8');
}

const options = {
  requestedModel: 'opencodego-router',
  callId: 'c0ffee00-0000-4000-8000-000000000001',
  includeThinking: false,
  estimatedInputTokens: 42,
};

/** Runs a recorded chunk sequence through the translator and frames the events as the writer does. */
function translate(sut: AnthropicStreamTranslator, chunks: ChatCompletionChunk[]): string {
  const usage = chunks.find((chunk) => chunk.usage)?.usage;
  const events = [...chunks.flatMap((chunk) => sut.push(chunk)), ...sut.finish(convertOpenAIUsage(usage))];
  return events.map(anthropicSseFrame).join('');
}

function chunksOf(name: string): ChatCompletionChunk[] {
  return JSON.parse(readFixture(name)) as ChatCompletionChunk[];
}

function eventTypes(sse: string): string[] {
  return [...sse.matchAll(/^event: (\w+)$/gm)].map((match) => match[1]);
}

describe(AnthropicStreamTranslator.name, () => {
  it('streams text as one block, with the exact usage (cached tokens apart) in message_delta', () => {
    const sut = new AnthropicStreamTranslator(options);

    expect(translate(sut, chunksOf('openai-chunks-text.json'))).toBe(
      readFixture('anthropic-stream-text.sse'),
    );
  });

  it('streams text, then each tool call as its own block with input_json_delta', () => {
    const sut = new AnthropicStreamTranslator(options);

    const sse = translate(sut, chunksOf('openai-chunks-tool-calls.json'));

    expect(sse).toBe(readFixture('anthropic-stream-tool-use.sse'));
    expect(eventTypes(sse)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
  });

  it('streams reasoning as a thinking block when thinking was asked for', () => {
    const sut = new AnthropicStreamTranslator({ ...options, includeThinking: true });

    expect(translate(sut, chunksOf('openai-chunks-reasoning.json'))).toBe(
      readFixture('anthropic-stream-thinking.sse'),
    );
  });

  it('leaves reasoning out when thinking was not asked for', () => {
    const sut = new AnthropicStreamTranslator(options);

    const sse = translate(sut, chunksOf('openai-chunks-reasoning.json'));

    expect(sse).not.toContain('thinking');
    expect(eventTypes(sse)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
  });

  it('answers an empty reply with the frame events alone', () => {
    const sut = new AnthropicStreamTranslator(options);

    const sse = translate(sut, []);

    expect(eventTypes(sse)).toEqual(['message_start', 'ping', 'message_delta', 'message_stop']);
    expect(sse).toContain('"id":"msg_c0ffee00000040008000000000000001"');
    expect(sse).toContain('"model":"opencodego-router"');
  });

  it('gives a tool call without an id a stable one', () => {
    const sut = new AnthropicStreamTranslator(options);
    const chunk: ChatCompletionChunk = {
      id: 'gen-1',
      object: 'chat.completion.chunk',
      created: 0,
      model: 'gemini-3-flash',
      choices: [
        {
          index: 0,
          delta: { tool_calls: [{ index: 0, function: { name: 'read', arguments: '{"path":"a"}' } }] },
          finish_reason: 'tool_calls',
        },
      ],
    };

    const events = sut.push(chunk);

    expect(events[1]).toEqual({
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'tool_use', id: 'toolu_gen1_0', name: 'read', input: {} },
    });
    expect(events[3]).toEqual({
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'input_json_delta', partial_json: '{"path":"a"}' },
    });
  });

  it('opens a new block when a provider numbers a second call with the same index', () => {
    const sut = new AnthropicStreamTranslator(options);
    const call = (id: string, name: string): ChatCompletionChunk => ({
      id: 'chatcmpl-2',
      object: 'chat.completion.chunk',
      created: 0,
      model: 'm',
      choices: [
        {
          index: 0,
          delta: { tool_calls: [{ index: 0, id, type: 'function', function: { name, arguments: '{}' } }] },
          finish_reason: null,
        },
      ],
    });

    const events = [...sut.push(call('call_a', 'read')), ...sut.push(call('call_b', 'glob'))];

    expect(events.filter((event) => event.type === 'content_block_start')).toEqual([
      {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'tool_use', id: 'call_a', name: 'read', input: {} },
      },
      {
        type: 'content_block_start',
        index: 1,
        content_block: { type: 'tool_use', id: 'call_b', name: 'glob', input: {} },
      },
    ]);
    expect(
      events.filter((event) => event.type === 'content_block_delta').map((event) => event.index),
    ).toEqual([0, 1]);
  });
});
