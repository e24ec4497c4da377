import type { ServerResponse } from 'node:http';
import { assembleCompletion, completionToChunks } from '@switchyard/cache';
import type { ChatCompletion, ChatCompletionChunk, TokenUsage } from '@switchyard/contracts';
import { geminiProvider } from '@switchyard/providers';
import { OpenAISseWriter } from '../openai/sse-writer';
import { GeminiStreamTranslator } from './gemini-stream-translator';
import { toGeminiResponse } from './to-gemini-response';

const usage: TokenUsage = {
  input: { total: 5, noCache: 5, cacheRead: 0, cacheWrite: 0 },
  output: { total: 4, reasoning: 0 },
};
const options = { requestedModel: 'gemini-2.5-pro', includeThoughts: false };
const target = {
  provider: 'gemini',
  providerModel: 'gemini-2.5-pro',
  apiBase: 'https://generativelanguage.googleapis.com',
  apiKey: 'AIzaSy-test-key',
};
const provider = geminiProvider.withClock(() => 1_767_225_600_000);

const safetyRatings = [
  { category: 'HARM_CATEGORY_HARASSMENT', probability: 'NEGLIGIBLE' },
  { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'LOW' },
];
const citationMetadata = {
  citationSources: [{ startIndex: 0, endIndex: 13, uri: 'https://example.org/poem' }],
};
const groundingMetadata = { webSearchQueries: ['roses'] };
const promptFeedback = { safetyRatings };

/** What a Gemini deployment answers: the native fields the canonical completion has no place for. */
const upstreamBody = {
  candidates: [
    {
      content: { parts: [{ text: 'Roses are red', thoughtSignature: 'c2lnbmF0dXJl' }], role: 'model' },
      finishReason: 'RECITATION',
      safetyRatings,
      citationMetadata,
      groundingMetadata,
      index: 0,
    },
  ],
  promptFeedback,
  usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 4, totalTokenCount: 9 },
  modelVersion: 'gemini-2.5-pro',
  responseId: 'resp-native',
};

function upstreamChunks(): ChatCompletionChunk[] {
  const parser = provider.chat.createStreamParser(target);
  const events = [
    {
      candidates: [{ content: { parts: [{ text: 'Roses' }], role: 'model' }, index: 0 }],
      promptFeedback,
      modelVersion: 'gemini-2.5-pro',
      responseId: 'resp-native',
    },
    {
      candidates: [
        {
          content: { parts: [{ text: ' are red', thoughtSignature: 'c2lnbmF0dXJl' }], role: 'model' },
          finishReason: 'RECITATION',
          safetyRatings,
          citationMetadata,
          groundingMetadata,
          index: 0,
        },
      ],
      usageMetadata: upstreamBody.usageMetadata,
      modelVersion: 'gemini-2.5-pro',
      responseId: 'resp-native',
    },
  ];
  return events.flatMap((event) => parser.push({ event: null, data: JSON.stringify(event) }));
}

const expectedCandidate = {
  content: { parts: [{ text: 'Roses are red', thoughtSignature: 'c2lnbmF0dXJl' }], role: 'model' },
  finishReason: 'RECITATION',
  safetyRatings,
  citationMetadata,
  groundingMetadata,
  index: 0,
};

function translate(chunks: ChatCompletionChunk[]) {
  const translator = new GeminiStreamTranslator(options);
  const events = chunks.flatMap((chunk) => translator.push(chunk));
  return { events, last: translator.finish(usage) };
}

describe('a Gemini deployment’s native fields on the Gemini surface', () => {
  it('writes them back into Google’s shape on a generateContent answer', () => {
    const completion = provider.chat.parseResponse(upstreamBody, target).response;

    const sut = toGeminiResponse(completion, usage, options);

    expect(sut.candidates).toEqual([expectedCandidate]);
    expect(sut.promptFeedback).toEqual(promptFeedback);
    expect(Object.keys(sut)).toEqual([
      'candidates',
      'promptFeedback',
      'usageMetadata',
      'modelVersion',
      'responseId',
    ]);
    expect(Object.keys(sut.candidates[0])).toEqual(Object.keys(expectedCandidate));
  });

  it('writes them on the last event of a stream (the signature on its empty text part)', () => {
    const { events, last } = translate(upstreamChunks());

    expect(events.map((event) => event.candidates[0].content.parts)).toEqual([
      [{ text: 'Roses' }],
      [{ text: ' are red' }],
    ]);
    expect(last.candidates).toEqual([
      {
        ...expectedCandidate,
        content: { parts: [{ text: '', thoughtSignature: 'c2lnbmF0dXJl' }], role: 'model' },
      },
    ]);
    expect(last.promptFeedback).toEqual(promptFeedback);
  });

  it('keeps them through the response cache, stored from a stream or a whole answer', () => {
    const stored = assembleCompletion(upstreamChunks())!;
    expect(toGeminiResponse(stored, usage, options).candidates).toEqual([expectedCandidate]);

    const whole = provider.chat.parseResponse(upstreamBody, target).response;
    const { last } = translate(completionToChunks(whole));
    expect(last.candidates[0]).toMatchObject({ finishReason: 'RECITATION', safetyRatings, citationMetadata });
    expect(last.promptFeedback).toEqual(promptFeedback);
  });

  it('writes none of them for another provider’s answer', () => {
    const completion: ChatCompletion = {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1,
      model: 'gpt-5.4-mini',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'content_filter' }],
    };

    const sut = toGeminiResponse(completion, usage, options);

    expect(sut.candidates).toEqual([
      { content: { parts: [{ text: 'Hi' }], role: 'model' }, finishReason: 'SAFETY', index: 0 },
    ]);
    expect(sut).not.toHaveProperty('promptFeedback');
  });
});

describe('the OpenAI chat surface', () => {
  it('never sends provider_fields to OpenAI clients', () => {
    let written = '';
    const response = {
      writableEnded: false,
      write: (text: string) => (written += text),
    } as unknown as ServerResponse;
    const writer = new OpenAISseWriter(response, true);

    for (const chunk of upstreamChunks()) writer.chunk(chunk);

    expect(written).toContain('"finish_reason":"content_filter"');
    expect(written).not.toContain('provider_fields');
    expect(written).not.toContain('HARM_CATEGORY');
  });
});
