import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { ServerResponse } from 'node:http';
import type { ChatCompletionChunk, TokenUsage } from '@switchyard/contracts';
import { GatewayError } from '@switchyard/contracts';
import { GeminiStreamTranslator } from './gemini-stream-translator';
import { GeminiStreamWriter, geminiSseFrame } from './gemini-stream-writer';

const RECORDINGS = join(
  __dirname,
  '../../../../../shared/data/recorded-provider-traffic/packages/google/src/__fixtures__',
);

/** The recorded Gemini stream: one event's JSON per line, as Google sent it. */
function recordedEvents(name: string): string[] {
  return readFileSync(join(RECORDINGS, name), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
}

/** A ServerResponse stand-in that keeps every byte written. */
function capture(): { response: ServerResponse; bytes: () => string; head: () => Record<string, string> } {
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  let headers: Record<string, string> = {};
  const response = Object.assign(sink, {
    writeHead: (_status: number, given: Record<string, string>) => {
      headers = given;
      return response;
    },
  }) as unknown as ServerResponse;
  return { response, bytes: () => Buffer.concat(chunks).toString('utf8'), head: () => headers };
}

function chunk(
  delta: ChatCompletionChunk['choices'][number]['delta'],
  finish: 'stop' | null = null,
): ChatCompletionChunk {
  return {
    id: 'resp-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'gemini-3-pro-preview',
    choices: [{ index: 0, delta, finish_reason: finish }],
  };
}

const usage: TokenUsage = {
  input: { total: 9, noCache: 9, cacheRead: 0, cacheWrite: 0 },
  output: { total: 208, reasoning: 185 },
};

describe(GeminiStreamWriter.name, () => {
  it.each(['google-text.chunks.txt', 'google-tool-call.chunks.txt', 'google-reasoning.chunks.txt'])(
    'frames each event of %s byte for byte as Google does: data: <compact JSON>\\r\\n\\r\\n',
    (name) => {
      for (const line of recordedEvents(name)) {
        expect(geminiSseFrame(JSON.parse(line))).toBe(`data: ${line}\r\n\r\n`);
      }
    },
  );

  it('writes a translated stream with the events, key order and framing of the recorded one', async () => {
    const recorded = recordedEvents('google-text.chunks.txt').map(
      (line) => JSON.parse(line) as { candidates: Record<string, unknown>[] },
    );
    const { response, bytes, head } = capture();
    const sut = new GeminiStreamWriter(response, true);
    const translator = new GeminiStreamTranslator({
      requestedModel: 'gemini-3-pro-preview',
      includeThoughts: false,
    });
    sut.open({ 'x-litellm-call-id': 'call-1' });
    sut.write(translator.push(chunk({ role: 'assistant', content: 'There are **3**' })));
    sut.write(translator.push(chunk({ content: ' "r"s in strawberry.' }, 'stop')));
    sut.end([translator.finish(usage)]);
    await new Promise((resolve) => setImmediate(resolve));

    expect(head()['content-type']).toBe('text/event-stream');
    const body = bytes();
    expect(body).toMatch(/^(data: \{[^\r\n]*\}\r\n\r\n)+$/);
    const events = body
      .split('\r\n\r\n')
      .filter((frame) => frame !== '')
      .map((frame) => JSON.parse(frame.slice('data: '.length)) as { candidates: Record<string, unknown>[] });
    expect(events).toHaveLength(3);
    const last = events[2];
    expect(Object.keys(last)).toEqual(Object.keys(recorded.at(-1)!));
    expect(Object.keys(last.candidates[0])).toEqual(Object.keys(recorded.at(-1)!.candidates[0]));
    expect(Object.keys(events[0].candidates[0])).toEqual(Object.keys(recorded[0].candidates[0]));
    expect(last).toEqual({
      candidates: [{ content: { parts: [{ text: '' }], role: 'model' }, finishReason: 'STOP', index: 0 }],
      usageMetadata: {
        promptTokenCount: 9,
        candidatesTokenCount: 23,
        totalTokenCount: 217,
        thoughtsTokenCount: 185,
      },
      modelVersion: 'gemini-3-pro-preview',
      responseId: 'resp-1',
    });
  });

  it('streams one JSON array without alt=sse, an error as its last element', async () => {
    const { response, bytes, head } = capture();
    const sut = new GeminiStreamWriter(response, false);
    sut.open({});
    sut.write([{ a: 1 }]);
    sut.write([{ b: 2 }]);
    sut.fail(GatewayError.unavailable('upstream went away'));
    await new Promise((resolve) => setImmediate(resolve));

    expect(head()['content-type']).toBe('application/json; charset=UTF-8');
    expect(bytes()).toBe(
      '[{"a":1},\r\n{"b":2},\r\n{"error":{"code":503,"message":"upstream went away","status":"UNAVAILABLE"}}]',
    );
  });

  it("ends an SSE stream that fails with an error event in Google's envelope", async () => {
    const { response, bytes } = capture();
    const sut = new GeminiStreamWriter(response, true);
    sut.open({});
    sut.fail(GatewayError.internal('boom'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(bytes()).toBe('data: {"error":{"code":500,"message":"boom","status":"INTERNAL"}}\r\n\r\n');
  });

  it('writes an empty array for an array stream that ends with nothing', async () => {
    const { response, bytes } = capture();
    const sut = new GeminiStreamWriter(response, false);
    sut.open({});
    sut.end([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(bytes()).toBe('[]');
  });
});
