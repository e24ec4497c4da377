import {
  bodyOf,
  chatRequestOf,
  embeddingOf,
  fixedClock,
  readFixture,
  readJsonFixture,
  runStreamFixture,
  targetFor,
  thrownGatewayError as thrown,
} from '../__fixtures__/fixture-helpers';
import { describeChatAdapter } from '../__fixtures__/describe-chat-adapter';
import { geminiProvider } from './gemini-provider';
import { geminiToolCallId } from './gemini-tool-call';

const gemini = targetFor({
  provider: 'gemini',
  providerModel: 'gemini-2.5-pro',
  apiBase: 'https://generativelanguage.googleapis.com',
  apiKey: 'AIzaSyD-secret-key-0123456789abcdef',
});
const gemini3 = { ...gemini, providerModel: 'gemini-3.1-pro-preview' };
const CREATED = 1767225600;

const chat = chatRequestOf('gemini-2.5-pro');

describe('geminiProvider', () => {
  const sut = geminiProvider.withClock(fixedClock);

  describe('buildChatRequest', () => {
    it('calls generateContent with the key in x-goog-api-key', () => {
      const upstream = sut.chat.buildRequest(chat([{ role: 'user', content: 'Hi' }]), gemini, {
        stream: false,
      });

      expect(upstream.url).toBe(
        'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro:generateContent',
      );
      expect(upstream.headers).toEqual({
        'content-type': 'application/json',
        'x-goog-api-key': 'AIzaSyD-secret-key-0123456789abcdef',
      });
      expect(bodyOf(upstream)).toEqual({ contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] });
    });

    it('streams with streamGenerateContent?alt=sse', () => {
      const upstream = sut.chat.buildRequest(chat([{ role: 'user', content: 'Hi' }]), gemini, {
        stream: true,
      });

      expect(upstream.url).toBe(
        'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse',
      );
    });

    it('translates roles, system instructions, media, tools and generation settings', () => {
      const request = chat(
        [
          { role: 'system', content: 'You are a coding agent.' },
          { role: 'developer', content: [{ type: 'text', text: 'Be terse.' }] },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Look:' },
              { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQ' } },
              { type: 'image_url', image_url: { url: 'https://example.com/chart.png' } },
            ],
          },
          { role: 'assistant', content: 'A chart.' },
          { role: 'user', content: 'Explain it.' },
        ],
        {
          temperature: 0.4,
          top_p: 0.8,
          max_completion_tokens: 1024,
          stop: 'END',
          seed: 11,
          response_format: { type: 'json_object' },
          tools: [
            {
              type: 'function',
              function: {
                name: 'read',
                description: 'Read a file',
                parameters: {
                  $schema: 'http://json-schema.org/draft-07/schema#',
                  type: 'object',
                  properties: { filePath: { type: 'string' } },
                  required: ['filePath'],
                  additionalProperties: false,
                },
              },
            },
            { type: 'function', function: { name: 'list', parameters: { type: 'object', properties: {} } } },
          ],
          tool_choice: 'required',
        },
      );

      const body = bodyOf(sut.chat.buildRequest(request, gemini, { stream: false }));

      expect(body).toEqual({
        systemInstruction: { parts: [{ text: 'You are a coding agent.' }, { text: 'Be terse.' }] },
        contents: [
          {
            role: 'user',
            parts: [
              { text: 'Look:' },
              { inlineData: { mimeType: 'image/jpeg', data: '/9j/4AAQ' } },
              { fileData: { mimeType: 'image/png', fileUri: 'https://example.com/chart.png' } },
            ],
          },
          { role: 'model', parts: [{ text: 'A chart.' }] },
          { role: 'user', parts: [{ text: 'Explain it.' }] },
        ],
        tools: [
          {
            functionDeclarations: [
              {
                name: 'read',
                description: 'Read a file',
                parameters: {
                  type: 'object',
                  properties: { filePath: { type: 'string' } },
                  required: ['filePath'],
                },
              },
              { name: 'list' },
            ],
          },
        ],
        toolConfig: { functionCallingConfig: { mode: 'ANY' } },
        generationConfig: {
          temperature: 0.4,
          topP: 0.8,
          maxOutputTokens: 1024,
          stopSequences: ['END'],
          seed: 11,
          responseMimeType: 'application/json',
        },
      });
    });

    it('sends tool calls as functionCall parts and tool results as functionResponse parts named after their call', () => {
      const request = chat([
        { role: 'user', content: 'Read both.' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_a', type: 'function', function: { name: 'read', arguments: '{"filePath":"a.ts"}' } },
            { id: 'call_b', type: 'function', function: { name: 'stat', arguments: '{"filePath":"b.ts"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_b', content: '{"size":2}' },
        { role: 'tool', tool_call_id: 'call_a', content: 'export const a = 1;' },
      ]);

      const body = bodyOf(sut.chat.buildRequest(request, gemini, { stream: false }));

      expect(body.contents).toEqual([
        { role: 'user', parts: [{ text: 'Read both.' }] },
        {
          role: 'model',
          parts: [
            { functionCall: { name: 'read', args: { filePath: 'a.ts' } } },
            { functionCall: { name: 'stat', args: { filePath: 'b.ts' } } },
          ],
        },
        {
          role: 'user',
          parts: [
            { functionResponse: { name: 'stat', response: { output: '{"size":2}' } } },
            { functionResponse: { name: 'read', response: { output: 'export const a = 1;' } } },
          ],
        },
      ]);
    });

    it('returns Gemini 3 thought signatures, with Google’s placeholder where a signature was lost', () => {
      const request = chat([
        { role: 'user', content: 'Go.' },
        {
          role: 'assistant',
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'read', arguments: '{}' },
              extra_content: { google: { thought_signature: 'CiwBVKhc' } },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'x' },
        {
          role: 'assistant',
          tool_calls: [{ id: 'toolu_9', type: 'function', function: { name: 'ls', arguments: '' } }],
        },
        { role: 'tool', tool_call_id: 'toolu_9', content: 'y' },
      ]);

      const contents = bodyOf(sut.chat.buildRequest(request, gemini3, { stream: false })).contents as {
        parts: unknown[];
      }[];

      expect(contents[1].parts).toEqual([
        { functionCall: { name: 'read', args: {} }, thoughtSignature: 'CiwBVKhc' },
      ]);
      expect(contents[3].parts).toEqual([
        { functionCall: { name: 'ls', args: {} }, thoughtSignature: 'skip_thought_signature_validator' },
      ]);
    });

    it('rejects a tool result whose call it cannot find', () => {
      const request = chat([
        { role: 'user', content: 'Go.' },
        { role: 'tool', tool_call_id: 'call_unknown', content: 'x' },
      ]);

      expect(thrown(() => sut.chat.buildRequest(request, gemini, { stream: false }))).toMatchObject({
        status: 400,
        provider: 'gemini',
        param: 'messages[1].tool_call_id',
      });
    });

    it.each([
      ['auto', { functionCallingConfig: { mode: 'AUTO' } }],
      ['none', { functionCallingConfig: { mode: 'NONE' } }],
      ['required', { functionCallingConfig: { mode: 'ANY' } }],
      [
        { type: 'function', function: { name: 'read' } },
        { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['read'] } },
      ],
    ] as const)('maps tool_choice %j to %j', (toolChoice, expected) => {
      const request = chat([{ role: 'user', content: 'Hi' }], {
        tools: [{ type: 'function', function: { name: 'read' } }],
        tool_choice: toolChoice,
      });

      expect(bodyOf(sut.chat.buildRequest(request, gemini, { stream: false })).toolConfig).toEqual(expected);
    });

    it('maps a json_schema response format and reasoning effort', () => {
      const request = chat([{ role: 'user', content: 'Hi' }], {
        response_format: {
          type: 'json_schema',
          json_schema: {
            name: 'a',
            schema: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false },
          },
        },
        reasoning_effort: 'low',
      });

      const pro25 = bodyOf(sut.chat.buildRequest(request, gemini, { stream: false })).generationConfig;
      const pro31 = bodyOf(sut.chat.buildRequest(request, gemini3, { stream: false })).generationConfig;

      expect(pro25).toEqual({
        responseMimeType: 'application/json',
        responseSchema: { type: 'object', properties: { a: { type: 'string' } } },
        thinkingConfig: { thinkingBudget: 1024, includeThoughts: true },
      });
      expect(pro31).toMatchObject({ thinkingConfig: { thinkingLevel: 'low', includeThoughts: true } });
    });
  });

  describe('parseChatResponse', () => {
    it('joins text, keeps thoughts as reasoning_content, and splits cached and thinking tokens', () => {
      const result = sut.chat.parseResponse(readJsonFixture(__dirname, 'gemini-chat-response.json'), gemini);

      expect(result.usage).toEqual({
        input: { total: 4123, noCache: 123, cacheRead: 4000, cacheWrite: 0 },
        output: { total: 112, reasoning: 100 },
      });
      expect(result.response).toEqual({
        id: 'mQh0aJ7fJ6uN1MkP2uOQsQk',
        object: 'chat.completion',
        created: CREATED,
        model: 'gemini-2.5-pro',
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: 'The capital of France is Paris.',
              reasoning_content: '**Answering directly**\n\nThe user asks for a capital city.',
            },
            finish_reason: 'stop',
          },
        ],
        usage: {
          prompt_tokens: 4123,
          completion_tokens: 112,
          total_tokens: 4235,
          prompt_tokens_details: { cached_tokens: 4000 },
          completion_tokens_details: { reasoning_tokens: 100 },
        },
        provider_fields: { gemini: { candidates: { 0: { finishReason: 'STOP' } } } },
      });
    });

    it('turns function calls into tool calls with deterministic ids and the thought signature', () => {
      const body = readJsonFixture(__dirname, 'gemini-chat-response-function-call.json');

      const result = sut.chat.parseResponse(body, gemini3);
      const again = sut.chat.parseResponse(body, gemini3);

      expect(result.finishReason).toBe('tool_calls');
      expect(result.response.choices[0].message).toEqual({
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: geminiToolCallId('x2J0aK-PNqGz1MkPs4mE2Ac', 0, 0, 'read'),
            type: 'function',
            function: { name: 'read', arguments: '{"filePath":"/repo/src/main.ts"}' },
            extra_content: {
              google: { thought_signature: 'CiwBVKhc7nQ0v2Cj1Q4qvYq6xN1w8ZQ0m0zFQh3s9P2k1b3a7cdEYL0a' },
            },
          },
          {
            id: geminiToolCallId('x2J0aK-PNqGz1MkPs4mE2Ac', 0, 1, 'glob'),
            type: 'function',
            function: { name: 'glob', arguments: '{"pattern":"**/*.spec.ts"}' },
          },
        ],
      });
      expect(again.response.choices[0].message.tool_calls).toEqual(
        result.response.choices[0].message.tool_calls,
      );
      expect(result.response.choices[0].message.tool_calls?.[0].id).toMatch(/^call_[A-Za-z0-9]{24}$/);
      expect(result.usage).toEqual({
        input: { total: 812, noCache: 812, cacheRead: 0, cacheWrite: 0 },
        output: { total: 189, reasoning: 148 },
      });
    });

    it('round-trips its own tool calls: the next request names each function response', () => {
      const first = sut.chat.parseResponse(
        readJsonFixture(__dirname, 'gemini-chat-response-function-call.json'),
        gemini3,
      );
      const calls = first.response.choices[0].message.tool_calls ?? [];
      const request = chat([
        { role: 'user', content: 'Go.' },
        { role: 'assistant', content: null, tool_calls: calls },
        { role: 'tool', tool_call_id: calls[1].id, content: 'a.spec.ts' },
        { role: 'tool', tool_call_id: calls[0].id, content: 'main' },
      ]);

      const contents = bodyOf(sut.chat.buildRequest(request, gemini3, { stream: false })).contents;

      expect(contents).toEqual([
        { role: 'user', parts: [{ text: 'Go.' }] },
        {
          role: 'model',
          parts: [
            {
              functionCall: { name: 'read', args: { filePath: '/repo/src/main.ts' } },
              thoughtSignature: 'CiwBVKhc7nQ0v2Cj1Q4qvYq6xN1w8ZQ0m0zFQh3s9P2k1b3a7cdEYL0a',
            },
            { functionCall: { name: 'glob', args: { pattern: '**/*.spec.ts' } } },
          ],
        },
        {
          role: 'user',
          parts: [
            { functionResponse: { name: 'glob', response: { output: 'a.spec.ts' } } },
            { functionResponse: { name: 'read', response: { output: 'main' } } },
          ],
        },
      ]);
    });

    it('reports a blocked prompt as a 400 content_filter error naming the reason', () => {
      const error = thrown(() =>
        sut.chat.parseResponse(readJsonFixture(__dirname, 'gemini-safety-blocked-prompt.json'), gemini),
      );

      expect(error).toMatchObject({
        status: 400,
        code: 'content_filter',
        provider: 'gemini',
        isRetryable: false,
      });
      expect(error.message).toBe(
        "gemini: the prompt was blocked by Gemini's safety filters (blockReason: SAFETY; categories: HARM_CATEGORY_DANGEROUS_CONTENT).",
      );
    });

    it('reports a response stopped by SAFETY with no content as a 400 content_filter error', () => {
      const error = thrown(() =>
        sut.chat.parseResponse(readJsonFixture(__dirname, 'gemini-safety-blocked-response.json'), gemini),
      );

      expect(error).toMatchObject({ status: 400, code: 'content_filter', provider: 'gemini' });
      expect(error.message).toBe(
        "gemini: the response was blocked by Gemini's safety filters (finishReason: SAFETY; categories: HARM_CATEGORY_HARASSMENT).",
      );
    });

    it('keeps content cut by a filter midway, with finish reason content_filter', () => {
      const body = {
        candidates: [
          { content: { parts: [{ text: 'Partial' }], role: 'model' }, finishReason: 'RECITATION', index: 0 },
        ],
        usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 1 },
      };

      const result = sut.chat.parseResponse(body, gemini);

      expect(result.finishReason).toBe('content_filter');
      expect(result.response.choices[0].message.content).toBe('Partial');
    });

    it('maps MAX_TOKENS to length', () => {
      const body = {
        candidates: [
          { content: { parts: [{ text: 'Cut' }], role: 'model' }, finishReason: 'MAX_TOKENS', index: 0 },
        ],
      };

      expect(sut.chat.parseResponse(body, gemini).finishReason).toBe('length');
    });
  });

  describe('createChatStreamParser', () => {
    it('streams text deltas and ends with the last cumulative usage', () => {
      const parser = sut.chat.createStreamParser({ ...gemini, providerModel: 'gemini-3.5-flash' });

      const chunks = runStreamFixture(parser, __dirname, 'gemini-stream.sse');

      const chunk = (choices: unknown[], extra: object = {}) => ({
        id: 'b3V0aKqXH5-z1MkPmL6C0Qs',
        object: 'chat.completion.chunk',
        created: CREATED,
        model: 'gemini-3.5-flash',
        choices,
        ...extra,
      });
      expect(chunks).toEqual([
        chunk([{ index: 0, delta: { role: 'assistant', content: 'Hello' }, finish_reason: null }]),
        chunk([{ index: 0, delta: { content: ' there, how can I help?' }, finish_reason: null }]),
        chunk([{ index: 0, delta: {}, finish_reason: 'stop' }], {
          provider_fields: { gemini: { candidates: { 0: { finishReason: 'STOP' } } } },
        }),
        chunk([], {
          usage: {
            prompt_tokens: 2100,
            completion_tokens: 40,
            total_tokens: 2140,
            prompt_tokens_details: { cached_tokens: 2048 },
            completion_tokens_details: { reasoning_tokens: 32 },
          },
        }),
      ]);
      expect(parser.done).toBe(true);
      expect(parser.summary()).toEqual({
        usage: {
          input: { total: 2100, noCache: 52, cacheRead: 2048, cacheWrite: 0 },
          output: { total: 40, reasoning: 32 },
        },
        finishReason: 'stop',
      });
    });

    it('streams thoughts as reasoning and each function call as one indexed tool call', () => {
      const parser = sut.chat.createStreamParser(gemini3);

      const chunks = runStreamFixture(parser, __dirname, 'gemini-stream-function-call.sse');

      const responseId = 'c4V0aOrxF4Wz1MkPo9mL8Ag';
      expect(
        chunks.map((chunk) => (chunk.choices.length > 0 ? chunk.choices[0] : { usage: chunk.usage })),
      ).toEqual([
        {
          index: 0,
          delta: {
            role: 'assistant',
            reasoning_content: '**Planning the lookup**\n\nI need the file first.',
          },
          finish_reason: null,
        },
        {
          index: 0,
          delta: {
            tool_calls: [
              {
                index: 0,
                id: geminiToolCallId(responseId, 0, 0, 'read'),
                type: 'function',
                function: { name: 'read', arguments: '{"filePath":"/repo/src/main.ts"}' },
                extra_content: {
                  google: { thought_signature: 'CiwBVKhc7nQ0v2Cj1Q4qvYq6xN1w8ZQ0m0zFQh3s9P2k1b3a7cdEYL0a' },
                },
              },
            ],
          },
          finish_reason: null,
        },
        {
          index: 0,
          delta: {
            tool_calls: [
              {
                index: 1,
                id: geminiToolCallId(responseId, 0, 1, 'glob'),
                type: 'function',
                function: { name: 'glob', arguments: '{"pattern":"**/*.spec.ts"}' },
              },
            ],
          },
          finish_reason: null,
        },
        { index: 0, delta: {}, finish_reason: 'tool_calls' },
        {
          usage: {
            prompt_tokens: 812,
            completion_tokens: 189,
            total_tokens: 1001,
            prompt_tokens_details: { cached_tokens: 0 },
            completion_tokens_details: { reasoning_tokens: 148 },
          },
        },
      ]);
      expect(parser.summary().finishReason).toBe('tool_calls');
    });

    it('throws a content_filter error when the prompt is blocked', () => {
      const parser = sut.chat.createStreamParser(gemini);
      const data = JSON.stringify(readJsonFixture(__dirname, 'gemini-safety-blocked-prompt.json'));

      expect(thrown(() => parser.push({ event: null, data }))).toMatchObject({
        status: 400,
        code: 'content_filter',
      });
      expect(parser.summary().usage).toEqual({
        input: { total: 17, noCache: 17, cacheRead: 0, cacheWrite: 0 },
        output: { total: 0, reasoning: 0 },
      });
    });

    it('throws an error object sent inside the stream with its own status', () => {
      const parser = sut.chat.createStreamParser(gemini);

      const error = thrown(() =>
        parser.push({
          event: null,
          data: '{"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}',
        }),
      );

      expect(error).toMatchObject({
        status: 503,
        isRetryable: true,
        message: 'gemini: The model is overloaded.',
      });
    });
  });

  describe('parseError', () => {
    it('maps RESOURCE_EXHAUSTED to a retryable 429 with the RetryInfo delay', () => {
      const error = sut.parseError(429, readFixture(__dirname, 'gemini-error-rate-limit.json'), {}, gemini);

      expect(error).toMatchObject({
        status: 429,
        type: 'rate_limit_error',
        code: 'rate_limit_exceeded',
        isRetryable: true,
        retryAfterMs: 37000,
        provider: 'gemini',
      });
      expect(error.message).toMatch(/^gemini: You exceeded your current quota/);
    });

    it('marks an input that exceeds the context window as context_length_exceeded', () => {
      const error = sut.parseError(
        400,
        readFixture(__dirname, 'gemini-error-context-length.json'),
        {},
        gemini,
      );

      expect(error.code).toBe('context_length_exceeded');
    });
  });

  describe('embeddings', () => {
    it('batches the inputs into batchEmbedContents', () => {
      const upstream = embeddingOf(sut).buildRequest(
        { model: 'embed', input: ['a', 'b'], dimensions: 768 },
        { ...gemini, providerModel: 'gemini-embedding-001' },
      );

      expect(upstream.url).toBe(
        'https://generativelanguage.googleapis.com/v1beta/models/gemini-embedding-001:batchEmbedContents',
      );
      expect(bodyOf(upstream)).toEqual({
        requests: [
          {
            model: 'models/gemini-embedding-001',
            content: { parts: [{ text: 'a' }] },
            outputDimensionality: 768,
          },
          {
            model: 'models/gemini-embedding-001',
            content: { parts: [{ text: 'b' }] },
            outputDimensionality: 768,
          },
        ],
      });
    });

    it('refuses token-array input', () => {
      expect(
        thrown(() => embeddingOf(sut).buildRequest({ model: 'embed', input: [1, 2, 3] }, gemini)),
      ).toMatchObject({
        status: 400,
        param: 'input',
      });
    });

    it('returns the vectors in OpenAI’s shape, as floats or as base64 float32', () => {
      const target = { ...gemini, providerModel: 'gemini-embedding-001' };
      const body = readJsonFixture(__dirname, 'gemini-embedding-response.json');

      const floats = embeddingOf(sut).parseResponse(body, target);
      const base64 = embeddingOf(sut).parseResponse(body, target, {
        model: 'embed',
        input: 'a',
        encoding_format: 'base64',
      });

      expect(floats.response).toEqual({
        object: 'list',
        data: [
          { object: 'embedding', index: 0, embedding: [0.013168517, -0.00871193, -0.046782672] },
          { object: 'embedding', index: 1, embedding: [-0.0204417, 0.0327102, 0.0071453] },
        ],
        model: 'gemini-embedding-001',
        usage: { prompt_tokens: 0, total_tokens: 0 },
      });
      // the API reports no token counts: no usage rather than a made-up zero
      expect(floats.usage).toBeNull();
      const decoded = Buffer.from(base64.response.data[0].embedding as string, 'base64');
      expect(Array.from(new Float32Array(decoded.buffer, decoded.byteOffset, 3))).toEqual(
        [0.013168517, -0.00871193, -0.046782672].map((value) => Math.fround(value)),
      );
    });
  });
});

describeChatAdapter(geminiProvider, {
  directory: __dirname,
  target: gemini,
  stream: {
    fixture: 'gemini-stream.sse',
    usage: {
      input: { total: 2100, noCache: 52, cacheRead: 2048, cacheWrite: 0 },
      output: { total: 40, reasoning: 32 },
    },
    finishReason: 'stop',
  },
  errorEvent: {
    event: null,
    data: '{"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}',
  },
  malformedEvent: { event: null, data: '{"candidates":' },
  invalidKey: { status: 400, fixture: 'gemini-error-invalid-key.json' },
  overloaded: { status: 429, fixture: 'gemini-error-rate-limit.json' },
});
