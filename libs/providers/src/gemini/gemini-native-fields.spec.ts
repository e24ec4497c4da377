import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChatCompletionChunk } from '@switchyard/contracts';
import { anthropicProvider } from '../anthropic/anthropic-provider';
import { fixedClock, readJsonFixture, runStreamFixture, targetFor } from '../__fixtures__/fixture-helpers';
import { geminiProvider } from './gemini-provider';

/** Google's recorded answers (../shared, read in place, never copied into the repository). */
const RECORDINGS = join(
  __dirname,
  '../../../../../shared/data/recorded-provider-traffic/packages/google/src/__fixtures__',
);

const gemini = targetFor({ provider: 'gemini', providerModel: 'gemini-3-pro-preview' });
const sut = geminiProvider.withClock(fixedClock);

const safetyRatings = [
  { category: 'HARM_CATEGORY_HATE_SPEECH', probability: 'NEGLIGIBLE' },
  { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'LOW' },
];
const citationMetadata = {
  citationSources: [{ startIndex: 0, endIndex: 12, uri: 'https://example.org/poem', license: 'mit' }],
};
const groundingMetadata = {
  webSearchQueries: ['capital of France'],
  groundingChunks: [{ web: { uri: 'https://example.org/paris', title: 'Paris' } }],
};

function streamOf(events: unknown[]) {
  const parser = sut.chat.createStreamParser(gemini);
  return events.flatMap((event) => parser.push({ event: null, data: JSON.stringify(event) }));
}

function finishChunkOf(chunks: ChatCompletionChunk[]): ChatCompletionChunk {
  const finish = chunks.find((chunk) => chunk.choices.some((choice) => choice.finish_reason !== null));
  expect(finish).toBeDefined();
  return finish!;
}

describe('Gemini native response fields (provider_fields.gemini)', () => {
  it('keeps safetyRatings, citationMetadata, groundingMetadata, promptFeedback and the native finish reason', () => {
    const body = {
      candidates: [
        {
          content: { parts: [{ text: 'Roses are red' }], role: 'model' },
          finishReason: 'RECITATION',
          safetyRatings,
          citationMetadata,
          groundingMetadata,
          index: 0,
        },
      ],
      promptFeedback: { safetyRatings },
      usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 4, totalTokenCount: 9 },
    };

    const result = sut.chat.parseResponse(body, gemini);

    expect(result.response.choices[0].finish_reason).toBe('content_filter');
    expect(result.response.provider_fields).toEqual({
      gemini: {
        promptFeedback: { safetyRatings },
        candidates: {
          0: { finishReason: 'RECITATION', safetyRatings, citationMetadata, groundingMetadata },
        },
      },
    });
  });

  it.each(['MALFORMED_FUNCTION_CALL', 'OTHER', 'BLOCKLIST', 'SPII'])(
    'keeps the finish reason %s that the canonical one cannot say',
    (finishReason) => {
      const body = {
        candidates: [{ content: { parts: [{ text: 'Some' }], role: 'model' }, finishReason, index: 0 }],
      };

      const fields = sut.chat.parseResponse(body, gemini).response.provider_fields;

      expect(fields?.gemini?.candidates?.['0']?.finishReason).toBe(finishReason);
    },
  );

  it('keeps the thought signature of a recorded text part', () => {
    const recorded = JSON.parse(readFileSync(join(RECORDINGS, 'google-text.json'), 'utf8')) as {
      candidates: { content: { parts: { thoughtSignature: string }[] } }[];
    };
    const signature = recorded.candidates[0].content.parts[0].thoughtSignature;

    const result = sut.chat.parseResponse(recorded, gemini);

    expect(result.response.provider_fields?.gemini?.candidates?.['0']).toEqual({
      finishReason: 'STOP',
      thoughtSignature: signature,
    });
  });

  it('streams the recorded signature (on an empty text part) on the finish chunk', () => {
    const lines = readFileSync(join(RECORDINGS, 'google-text.chunks.txt'), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '');
    const signature = lines
      .map(
        (line) =>
          JSON.parse(line) as { candidates?: { content?: { parts?: { thoughtSignature?: string }[] } }[] },
      )
      .flatMap((event) => event.candidates?.[0]?.content?.parts ?? [])
      .find((part) => part.thoughtSignature)?.thoughtSignature;
    expect(signature).toBeDefined();

    const chunks = streamOf(lines.map((line) => JSON.parse(line) as unknown));

    expect(finishChunkOf(chunks).provider_fields).toEqual({
      gemini: { candidates: { 0: { finishReason: 'STOP', thoughtSignature: signature } } },
    });
    expect(chunks.filter((chunk) => chunk.provider_fields !== undefined)).toHaveLength(1);
  });

  it('streams the latest safetyRatings and every event’s citations on the finish chunk', () => {
    const second = { startIndex: 13, endIndex: 20, uri: 'https://example.org/second' };
    const chunks = streamOf([
      {
        candidates: [
          { content: { parts: [{ text: 'Roses are red' }], role: 'model' }, citationMetadata, index: 0 },
        ],
        promptFeedback: { safetyRatings },
      },
      {
        candidates: [
          {
            content: { parts: [{ text: ', violets' }], role: 'model' },
            finishReason: 'RECITATION',
            safetyRatings,
            citationMetadata: { citationSources: [second] },
            index: 0,
          },
        ],
        usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 4, totalTokenCount: 9 },
      },
    ]);

    const finish = finishChunkOf(chunks);
    expect(finish.choices[0].finish_reason).toBe('content_filter');
    expect(finish.provider_fields).toEqual({
      gemini: {
        promptFeedback: { safetyRatings },
        candidates: {
          0: {
            finishReason: 'RECITATION',
            safetyRatings,
            citationMetadata: { citationSources: [...citationMetadata.citationSources, second] },
          },
        },
      },
    });
  });

  it('is absent on another provider’s answers', () => {
    const anthropic = anthropicProvider.withClock(fixedClock);
    const target = targetFor({ provider: 'anthropic', providerModel: 'claude-sonnet-4-6' });
    const completion = anthropic.chat.parseResponse(
      readJsonFixture(join(__dirname, '../anthropic'), 'anthropic-chat-response.json'),
      target,
    ).response;
    const chunks = runStreamFixture(
      anthropic.chat.createStreamParser(target),
      join(__dirname, '../anthropic'),
      'anthropic-stream.sse',
    );

    expect(completion.provider_fields).toBeUndefined();
    expect(chunks.every((chunk) => chunk.provider_fields === undefined)).toBe(true);
  });
});
