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
import { mistralProvider } from './mistral-provider';
import { mistralToolCallId } from './mistral-tool-call-id';

const mistral = targetFor({
  provider: 'mistral',
  providerModel: 'mistral-small-2603',
  apiBase: 'https://api.mistral.ai/v1',
  apiKey: 'mistral-secret-key-0123456789abcdef',
});

const chat = chatRequestOf('mistral-small-4');

describe('mistralProvider', () => {
  const sut = mistralProvider.withClock(fixedClock);

  describe('buildChatRequest', () => {
    it('posts to {apiBase}/chat/completions with only the parameters Mistral accepts', () => {
      const request = chat([{ role: 'user', content: 'Hi' }], {
        max_completion_tokens: 256,
        temperature: 0.2,
        top_p: 0.9,
        seed: 42,
        stop: ['\n\n'],
        presence_penalty: 0.1,
        frequency_penalty: 0.2,
        response_format: { type: 'json_object' },
        user: 'user-1',
        logit_bias: { '1': 2 },
        store: true,
        stream: true,
        stream_options: { include_usage: true },
      });

      const upstream = sut.chat.buildRequest(request, mistral, { stream: true });

      expect(upstream.url).toBe('https://api.mistral.ai/v1/chat/completions');
      expect(upstream.headers).toEqual({
        'content-type': 'application/json',
        authorization: 'Bearer mistral-secret-key-0123456789abcdef',
      });
      expect(bodyOf(upstream)).toEqual({
        model: 'mistral-small-2603',
        messages: [{ role: 'user', content: 'Hi' }],
        max_tokens: 256,
        temperature: 0.2,
        top_p: 0.9,
        random_seed: 42,
        stop: ['\n\n'],
        presence_penalty: 0.1,
        frequency_penalty: 0.2,
        response_format: { type: 'json_object' },
        stream: true,
      });
    });

    it('maps tool-call ids to 9 alphanumeric characters, the same for the call and its result', () => {
      const request = chat(
        [
          { role: 'developer', content: 'Use tools.' },
          { role: 'user', content: 'Read a.ts' },
          {
            role: 'assistant',
            content: null,
            reasoning_content: 'thinking…',
            tool_calls: [
              {
                id: 'call_Xk2pR7vQ9mLs4TnB8wYc1Ze3',
                type: 'function',
                function: { name: 'read', arguments: '{"filePath":"a.ts"}' },
              },
              { id: 'D681PevKs', type: 'function', function: { name: 'glob', arguments: '{}' } },
            ],
          },
          { role: 'tool', tool_call_id: 'call_Xk2pR7vQ9mLs4TnB8wYc1Ze3', content: 'export {}' },
          { role: 'tool', tool_call_id: 'D681PevKs', content: [{ type: 'text', text: 'a.ts' }] },
        ],
        {
          tools: [
            { type: 'function', function: { name: 'read', parameters: { type: 'object', properties: {} } } },
          ],
          tool_choice: 'required',
          parallel_tool_calls: false,
        },
      );

      const body = bodyOf(sut.chat.buildRequest(request, mistral, { stream: false }));

      const mappedId = mistralToolCallId('call_Xk2pR7vQ9mLs4TnB8wYc1Ze3');
      expect(mappedId).toMatch(/^[A-Za-z0-9]{9}$/);
      expect(mistralToolCallId('call_Xk2pR7vQ9mLs4TnB8wYc1Ze3')).toBe(mappedId);
      expect(body).toEqual({
        model: 'mistral-small-2603',
        messages: [
          { role: 'system', content: 'Use tools.' },
          { role: 'user', content: 'Read a.ts' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: mappedId,
                type: 'function',
                function: { name: 'read', arguments: '{"filePath":"a.ts"}' },
              },
              { id: 'D681PevKs', type: 'function', function: { name: 'glob', arguments: '{}' } },
            ],
          },
          { role: 'tool', content: 'export {}', tool_call_id: mappedId, name: 'read' },
          { role: 'tool', content: 'a.ts', tool_call_id: 'D681PevKs', name: 'glob' },
        ],
        tools: [
          { type: 'function', function: { name: 'read', parameters: { type: 'object', properties: {} } } },
        ],
        tool_choice: 'any',
        parallel_tool_calls: false,
      });
    });

    it.each([
      ['auto', 'auto'],
      ['none', 'none'],
      ['required', 'any'],
      [
        { type: 'function', function: { name: 'read' } },
        { type: 'function', function: { name: 'read' } },
      ],
    ] as const)('maps tool_choice %j to %j', (toolChoice, expected) => {
      const request = chat([{ role: 'user', content: 'Hi' }], {
        tools: [{ type: 'function', function: { name: 'read' } }],
        tool_choice: toolChoice,
      });

      expect(bodyOf(sut.chat.buildRequest(request, mistral, { stream: false })).tool_choice).toEqual(
        expected,
      );
    });

    it('marks a final assistant message as a prefix and maps reasoning_effort', () => {
      const request = chat(
        [
          { role: 'user', content: 'Write a haiku' },
          { role: 'assistant', content: 'Autumn' },
        ],
        { reasoning_effort: 'medium' },
      );

      const body = bodyOf(sut.chat.buildRequest(request, mistral, { stream: false }));

      expect(body.messages).toEqual([
        { role: 'user', content: 'Write a haiku' },
        { role: 'assistant', content: 'Autumn', prefix: true },
      ]);
      expect(body.reasoning_effort).toBe('high');
    });

    it('passes images through as image_url chunks', () => {
      const request = chat([
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
          ],
        },
      ]);

      expect(bodyOf(sut.chat.buildRequest(request, mistral, { stream: false })).messages).toEqual([
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
          ],
        },
      ]);
    });

    it('refuses logprobs with a 400', () => {
      const error = thrown(() =>
        sut.chat.buildRequest(chat([{ role: 'user', content: 'Hi' }], { logprobs: true }), mistral, {
          stream: false,
        }),
      );

      expect(error).toMatchObject({
        status: 400,
        param: 'logprobs',
        provider: 'mistral',
        isRetryable: false,
      });
    });
  });

  describe('parseChatResponse', () => {
    it('returns the completion with canonical usage', () => {
      const result = sut.chat.parseResponse(
        readJsonFixture(__dirname, 'mistral-chat-response.json'),
        mistral,
      );

      expect(result.usage).toEqual({
        input: { total: 1212, noCache: 188, cacheRead: 1024, cacheWrite: 0 },
        output: { total: 9, reasoning: 0 },
      });
      expect(result.response).toEqual({
        id: 'cf79f7daaee244b1a0ae5c7b1444424a',
        object: 'chat.completion',
        created: 1767225600,
        model: 'mistral-medium-3-5',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: 'Paris is the capital of France.', prefix: false },
            finish_reason: 'stop',
          },
        ],
        usage: {
          prompt_tokens: 1212,
          completion_tokens: 9,
          total_tokens: 1221,
          prompt_tokens_details: { cached_tokens: 1024 },
          completion_tokens_details: { reasoning_tokens: 0 },
        },
      });
    });

    it('returns tool calls with type function and finish reason tool_calls', () => {
      const result = sut.chat.parseResponse(
        readJsonFixture(__dirname, 'mistral-chat-response-tool-calls.json'),
        mistral,
      );

      expect(result.finishReason).toBe('tool_calls');
      expect(result.response.choices[0].message.tool_calls).toEqual([
        {
          id: 'D681PevKs',
          type: 'function',
          function: { name: 'read', arguments: '{"filePath": "/repo/src/main.ts"}' },
        },
        {
          id: 'Qx7mB2nLp',
          type: 'function',
          function: { name: 'glob', arguments: '{"pattern": "**/*.spec.ts"}' },
        },
      ]);
    });

    it('splits thinking chunks into reasoning_content', () => {
      const result = sut.chat.parseResponse(
        readJsonFixture(__dirname, 'mistral-chat-response-reasoning.json'),
        mistral,
      );

      expect(result.response.choices[0].message).toEqual({
        role: 'assistant',
        content: '4',
        reasoning_content: 'Two plus two is four.',
        prefix: false,
      });
    });

    it('maps model_length to length and refuses finish reason error', () => {
      const body = readJsonFixture(__dirname, 'mistral-chat-response.json') as {
        choices: { finish_reason: string }[];
      };

      body.choices[0].finish_reason = 'model_length';
      expect(sut.chat.parseResponse(body, mistral).finishReason).toBe('length');
      body.choices[0].finish_reason = 'error';
      expect(thrown(() => sut.chat.parseResponse(body, mistral))).toMatchObject({
        status: 502,
        isRetryable: true,
        provider: 'mistral',
      });
    });
  });

  describe('createChatStreamParser', () => {
    it('passes chunks through and emits the usage of the last chunk as a usage-only chunk', () => {
      const parser = sut.chat.createStreamParser(mistral);

      const chunks = runStreamFixture(parser, __dirname, 'mistral-stream.sse');

      const common = {
        id: '2b7c3e1d9f8a4b6c',
        object: 'chat.completion.chunk',
        created: 1767225780,
        model: 'mistral-small-2603',
      };
      expect(chunks).toEqual([
        {
          ...common,
          choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
        },
        { ...common, choices: [{ index: 0, delta: { content: 'Generate' }, finish_reason: null }] },
        { ...common, choices: [{ index: 0, delta: { content: ' session title' }, finish_reason: null }] },
        { ...common, choices: [{ index: 0, delta: { content: '' }, finish_reason: 'stop' }] },
        {
          ...common,
          choices: [],
          usage: {
            prompt_tokens: 310,
            completion_tokens: 4,
            total_tokens: 314,
            prompt_tokens_details: { cached_tokens: 0 },
            completion_tokens_details: { reasoning_tokens: 0 },
          },
        },
      ]);
      expect(parser.done).toBe(true);
      expect(parser.summary()).toEqual({
        usage: {
          input: { total: 310, noCache: 310, cacheRead: 0, cacheWrite: 0 },
          output: { total: 4, reasoning: 0 },
        },
        finishReason: 'stop',
      });
    });

    it('indexes whole tool calls, flattens thinking chunks and reads num_cached_tokens', () => {
      const parser = sut.chat.createStreamParser({ ...mistral, providerModel: 'mistral-medium-3-5' });

      const chunks = runStreamFixture(parser, __dirname, 'mistral-stream-tool-calls.sse');

      expect(
        chunks.map((chunk) => (chunk.choices.length > 0 ? chunk.choices[0] : { usage: chunk.usage })),
      ).toEqual([
        { index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null },
        { index: 0, delta: { reasoning_content: 'Need the file.' }, finish_reason: null },
        {
          index: 0,
          delta: {
            tool_calls: [
              {
                id: 'D681PevKs',
                index: 0,
                type: 'function',
                function: { name: 'read', arguments: '{"filePath": "/repo/src/main.ts"}' },
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
                id: 'Qx7mB2nLp',
                index: 1,
                type: 'function',
                function: { name: 'glob', arguments: '{"pattern": "**/*.spec.ts"}' },
              },
            ],
          },
          finish_reason: 'tool_calls',
        },
        {
          usage: {
            prompt_tokens: 640,
            completion_tokens: 58,
            total_tokens: 698,
            num_cached_tokens: 512,
            prompt_tokens_details: { cached_tokens: 512 },
            completion_tokens_details: { reasoning_tokens: 0 },
          },
        },
      ]);
      expect(parser.summary()).toEqual({
        usage: {
          input: { total: 640, noCache: 128, cacheRead: 512, cacheWrite: 0 },
          output: { total: 58, reasoning: 0 },
        },
        finishReason: 'tool_calls',
      });
    });

    it('throws on a chunk that finishes with reason error', () => {
      const parser = sut.chat.createStreamParser(mistral);

      expect(
        thrown(() =>
          parser.push({
            event: null,
            data: '{"id":"x","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"error"}]}',
          }),
        ),
      ).toMatchObject({ status: 502, provider: 'mistral' });
    });
  });

  describe('parseError', () => {
    it('spells out a 422 validation error', () => {
      const error = sut.parseError(422, readFixture(__dirname, 'mistral-error-validation.json'), {}, mistral);

      expect(error).toMatchObject({
        status: 422,
        type: 'invalid_request_message_error',
        isRetryable: false,
        message: 'mistral: body.stream_options: Extra inputs are not permitted',
      });
    });

    it('maps a rate limit to a retryable 429', () => {
      const error = sut.parseError(
        429,
        readFixture(__dirname, 'mistral-error-rate-limit.json'),
        { 'retry-after': '1' },
        mistral,
      );

      expect(error).toMatchObject({
        status: 429,
        type: 'rate_limit_error',
        isRetryable: true,
        retryAfterMs: 1000,
        message: 'mistral: Requests rate limit exceeded',
      });
    });
  });

  describe('embeddings', () => {
    it('posts text to /embeddings with output_dimension', () => {
      const upstream = embeddingOf(sut).buildRequest(
        { model: 'embed', input: ['a', 'b'], dimensions: 512, encoding_format: 'base64' },
        { ...mistral, providerModel: 'codestral-embed' },
      );

      expect(upstream.url).toBe('https://api.mistral.ai/v1/embeddings');
      expect(bodyOf(upstream)).toEqual({
        model: 'codestral-embed',
        input: ['a', 'b'],
        output_dimension: 512,
        encoding_format: 'base64',
      });
    });

    it('parses the embeddings response', () => {
      const result = embeddingOf(sut).parseResponse(
        readJsonFixture(__dirname, 'mistral-embedding-response.json'),
        mistral,
      );

      expect(result.response.data).toEqual([
        { object: 'embedding', index: 0, embedding: [-0.0165, 0.0711, 0.0312] },
        { object: 'embedding', index: 1, embedding: [-0.0234, 0.0387, 0.0555] },
      ]);
      expect(result.usage?.input.total).toBe(15);
    });
  });
});

describeChatAdapter(mistralProvider, {
  directory: __dirname,
  target: mistral,
  stream: {
    fixture: 'mistral-stream.sse',
    usage: {
      input: { total: 310, noCache: 310, cacheRead: 0, cacheWrite: 0 },
      output: { total: 4, reasoning: 0 },
    },
    finishReason: 'stop',
  },
  errorEvent: {
    event: null,
    data: '{"id":"x","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"error"}]}',
  },
  malformedEvent: { event: null, data: '{"id":' },
  invalidKey: { status: 401, fixture: 'mistral-error-unauthorized.json' },
  overloaded: { status: 429, fixture: 'mistral-error-rate-limit.json' },
});
