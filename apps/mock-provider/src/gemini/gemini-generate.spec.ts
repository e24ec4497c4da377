import { MockTestClient, parseSse } from '../__fixtures__/mock-test-client';
import { embeddingVector } from '../shared/embedding-vector';
import { buildToolArguments } from '../shared/tool-arguments';

const weather = {
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: {
    type: 'OBJECT',
    properties: { city: { type: 'STRING' }, unit: { type: 'STRING', enum: ['C', 'F'] } },
    required: ['city', 'unit'],
  },
};

describe('mock provider: Gemini generateContent', () => {
  let sut: MockTestClient;
  const key = { 'x-goog-api-key': 'AIza-test' };

  beforeAll(async () => {
    sut = await MockTestClient.start();
  });
  afterAll(async () => sut.close());
  beforeEach(async () => sut.reset());

  it('answers generateContent with a candidate and usageMetadata', async () => {
    const response = await sut.post(
      '/v1beta/models/gemini-2.5-pro:generateContent',
      {
        systemInstruction: { parts: [{ text: 'Be kind.' }] },
        contents: [{ role: 'user', parts: [{ text: 'Hello Gemini' }] }],
      },
      key,
    );
    expect(response.status).toBe(200);
    const text = 'Mock reply from gemini-2.5-pro: Hello Gemini';
    const prompt = Math.ceil(('Be kind.'.length + 'Hello Gemini'.length) / 4) + 2 * 3;
    const candidates = Math.ceil(text.length / 4);
    expect(response.json).toEqual({
      candidates: [
        {
          content: { parts: [{ text }], role: 'model' },
          finishReason: 'STOP',
          safetyRatings: expect.arrayContaining([
            { category: 'HARM_CATEGORY_HARASSMENT', probability: 'NEGLIGIBLE' },
          ]) as unknown,
          index: 0,
        },
      ],
      usageMetadata: {
        promptTokenCount: prompt,
        candidatesTokenCount: candidates,
        totalTokenCount: prompt + candidates,
        promptTokensDetails: [{ modality: 'TEXT', tokenCount: prompt }],
      },
      modelVersion: 'gemini-2.5-pro',
      responseId: expect.stringMatching(/^[A-Za-z0-9]{23}$/),
    });
  });

  it('streams with alt=sse as data events framed by CRLF CRLF, the last with finishReason and usage', async () => {
    const response = await fetch(
      `${sut.url}/v1beta/models/gemini-3.5-flash:streamGenerateContent?alt=sse&key=AIza-query`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ contents: [{ parts: [{ text: 'Stream please' }] }] }),
      },
    );
    const raw = await response.text();
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(raw.startsWith('data: {')).toBe(true);
    expect(raw.endsWith('}\r\n\r\n')).toBe(true);
    const events = parseSse(raw).map((event) => JSON.parse(event.data));
    expect(events).toHaveLength(8);
    expect(events.slice(0, -1).every((event) => event.candidates[0].finishReason === undefined)).toBe(true);
    const last = events[events.length - 1];
    expect(last.candidates[0].finishReason).toBe('STOP');
    const text = events.map((event) => event.candidates[0].content.parts[0].text).join('');
    expect(text).toBe('Mock reply from gemini-3.5-flash: Stream please');
    expect(last.usageMetadata.candidatesTokenCount).toBe(Math.ceil(text.length / 4));
    const counts = events.map((event) => event.usageMetadata.candidatesTokenCount as number);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    const [entry] = await sut.requests();
    expect(entry.query).toEqual({ alt: 'sse' });
    expect(entry.authPresent).toBe(true);
  });

  it('streams a JSON array without alt=sse', async () => {
    const response = await sut.post(
      '/v1beta/models/gemini-2.5-pro:streamGenerateContent',
      { contents: [{ parts: [{ text: 'x' }] }] },
      key,
    );
    expect(Array.isArray(response.json)).toBe(true);
    expect(response.json[response.json.length - 1].candidates[0].finishReason).toBe('STOP');
  });

  it('answers with a functionCall part when a declared function is named', async () => {
    const response = await sut.post(
      '/v1beta/models/gemini-2.5-pro:generateContent',
      {
        contents: [{ role: 'user', parts: [{ text: 'use get_weather for Rome' }] }],
        tools: [{ functionDeclarations: [weather] }],
      },
      key,
    );
    expect(response.json.candidates[0].content.parts).toEqual([
      { functionCall: { name: 'get_weather', args: buildToolArguments(weather.parameters) } },
    ]);
    expect(response.json.candidates[0].finishReason).toBe('STOP');

    const answered = await sut.post(
      '/v1beta/models/gemini-2.5-pro:generateContent',
      {
        contents: [
          { role: 'user', parts: [{ text: 'use get_weather for Rome' }] },
          {
            role: 'model',
            parts: [{ functionCall: { name: 'get_weather', args: { city: 'Rome', unit: 'C' } } }],
          },
          {
            role: 'user',
            parts: [{ functionResponse: { name: 'get_weather', response: { temperature: 21 } } }],
          },
        ],
        tools: [{ functionDeclarations: [weather] }],
      },
      key,
    );
    expect(answered.json.candidates[0].content.parts[0].text).toBe(
      'Mock reply from gemini-2.5-pro: tool result: {"temperature":21}',
    );
  });

  it('reports cachedContentTokenCount and thoughtsTokenCount', async () => {
    const response = await sut.post(
      '/v1beta/models/gemini-2.5-pro:generateContent',
      {
        systemInstruction: { parts: [{ text: 'z'.repeat(6000) }] },
        contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
        generationConfig: { thinkingConfig: { thinkingBudget: 1024, includeThoughts: true } },
      },
      key,
    );
    const usage = response.json.usageMetadata;
    expect(usage.cachedContentTokenCount).toBe(1408);
    expect(usage.thoughtsTokenCount).toBe(64);
    expect(usage.totalTokenCount).toBe(usage.promptTokenCount + usage.candidatesTokenCount + 64);
    expect(response.json.candidates[0].content.parts[0]).toEqual({
      text: expect.stringContaining('Mock reasoning'),
      thought: true,
    });

    const off = await sut.post(
      '/v1beta/models/gemini-2.5-pro:generateContent',
      {
        contents: [{ parts: [{ text: 'hi' }] }],
        generationConfig: { thinkingConfig: { thinkingBudget: 0 } },
      },
      key,
    );
    expect(off.json.usageMetadata.thoughtsTokenCount).toBeUndefined();
  });

  it('blocks the prompt for safety when the safetyBlock knob is set', async () => {
    const response = await sut.post(
      '/v1beta/models/gemini-2.5-pro:generateContent',
      { contents: [{ parts: [{ text: 'hi' }] }] },
      { ...key, 'x-mock-fault': '{"safetyBlock":true}' },
    );
    expect(response.status).toBe(200);
    expect(response.json.candidates).toBeUndefined();
    expect(response.json.promptFeedback.blockReason).toBe('SAFETY');

    const streamed = await sut.post(
      '/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse',
      { contents: [{ parts: [{ text: 'hi [[mock:{"safetyBlock":true}]]' }] }] },
      key,
    );
    const events = parseSse(streamed.text).map((event) => JSON.parse(event.data));
    expect(events).toHaveLength(1);
    expect(events[0].promptFeedback.blockReason).toBe('SAFETY');
  });

  it('answers a missing key with 403 PERMISSION_DENIED and an empty one with 400, in Google error format', async () => {
    const body = { contents: [{ parts: [{ text: 'x' }] }] };
    const missing = await sut.post('/v1beta/models/gemini-2.5-pro:generateContent', body);
    expect(missing.status).toBe(403);
    expect(missing.json).toEqual({
      error: {
        code: 403,
        message: expect.stringContaining('unregistered callers'),
        status: 'PERMISSION_DENIED',
      },
    });
    const empty = await sut.post('/v1beta/models/gemini-2.5-pro:generateContent?key=', body);
    expect(empty.status).toBe(400);
    expect(empty.json.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    const noContents = await sut.post('/v1beta/models/gemini-2.5-pro:generateContent', {}, key);
    expect(noContents.status).toBe(400);
    expect(noContents.json.error.status).toBe('INVALID_ARGUMENT');
  });

  it('embeds with embedContent and batchEmbedContents', async () => {
    const single = await sut.post(
      '/v1beta/models/gemini-embedding-001:embedContent',
      { content: { parts: [{ text: 'hello' }] } },
      key,
    );
    expect(single.json).toEqual({ embedding: { values: embeddingVector('hello', 8) } });
    const batch = await sut.post(
      '/v1beta/models/gemini-embedding-001:batchEmbedContents',
      {
        requests: [
          { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'a' }] } },
          {
            model: 'models/gemini-embedding-001',
            content: { parts: [{ text: 'b' }] },
            outputDimensionality: 4,
          },
        ],
      },
      key,
    );
    expect(batch.json.embeddings).toEqual([
      { values: embeddingVector('a', 8) },
      { values: embeddingVector('b', 4) },
    ]);
  });

  it('counts tokens and lists models', async () => {
    const count = await sut.post(
      '/v1beta/models/gemini-2.5-pro:countTokens',
      { contents: [{ parts: [{ text: 'abcdefgh' }] }] },
      key,
    );
    expect(count.json.totalTokens).toBe(2 + 3);
    const models = await sut.get('/v1beta/models', key);
    expect(models.json.models).toContainEqual(expect.objectContaining({ name: 'models/gemini-2.5-pro' }));
  });
});
