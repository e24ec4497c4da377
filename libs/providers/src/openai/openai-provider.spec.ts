import { GatewayError, type ChatCompletionRequest } from '@switchyard/contracts';
import {
  bodyOf,
  embeddingOf,
  FIXED_NOW_MS,
  fixedClock,
  readFixture,
  readJsonFixture,
  runStreamFixture,
  targetFor,
  thrownGatewayError as thrown,
} from '../__fixtures__/fixture-helpers';
import { describeChatAdapter } from '../__fixtures__/describe-chat-adapter';
import { decodeSse } from '../shared/sse-decoder';
import { openAIProvider } from './openai-provider';

const openai = targetFor({
  provider: 'openai',
  providerModel: 'gpt-5.4-mini',
  apiBase: 'https://api.openai.com/v1',
});
const opencodego = targetFor({
  provider: 'opencodego',
  providerModel: 'glm-5.1',
  apiBase: 'https://opencode.ai/zen/go/v1',
  apiKey: 'ocg-secret-key-abcdef123456',
  paramMappings: { max_completion_tokens: 'max_tokens' },
});

const tools: ChatCompletionRequest['tools'] = [
  {
    type: 'function',
    function: {
      name: 'read',
      description: 'Read a file',
      parameters: { type: 'object', properties: { filePath: { type: 'string' } }, required: ['filePath'] },
    },
  },
];

describe('openAIProvider', () => {
  const sut = openAIProvider.withClock(fixedClock);

  describe('buildChatRequest', () => {
    it('passes every parameter through with the provider model and a Bearer key', () => {
      const request: ChatCompletionRequest = {
        model: 'gpt-5.4-mini',
        messages: [
          { role: 'developer', content: 'Be terse.' },
          { role: 'user', content: 'Hi' },
        ],
        max_completion_tokens: 500,
        reasoning_effort: 'low',
        response_format: { type: 'json_object' },
        tools,
        tool_choice: 'auto',
        parallel_tool_calls: false,
        temperature: 1,
        seed: 7,
        user: 'user-42',
        logit_bias: { '50256': -100 },
        stream: false,
        stream_options: { include_usage: true },
      };

      const upstream = sut.chat.buildRequest(request, openai, { stream: false });

      expect(upstream.method).toBe('POST');
      expect(upstream.url).toBe('https://api.openai.com/v1/chat/completions');
      expect(upstream.headers).toEqual({
        'content-type': 'application/json',
        authorization: 'Bearer sk-test-secret-key-0123456789abcdef',
      });
      expect(bodyOf(upstream)).toEqual({
        model: 'gpt-5.4-mini',
        messages: request.messages,
        max_completion_tokens: 500,
        reasoning_effort: 'low',
        response_format: { type: 'json_object' },
        tools,
        tool_choice: 'auto',
        parallel_tool_calls: false,
        temperature: 1,
        seed: 7,
        user: 'user-42',
        logit_bias: { '50256': -100 },
      });
    });

    it('always asks for usage when streaming, even when the client asked not to', () => {
      const request: ChatCompletionRequest = {
        model: 'gpt-5.4-mini',
        messages: [{ role: 'user', content: 'Hi' }],
        stream: true,
        stream_options: { include_usage: false },
      };

      const body = bodyOf(sut.chat.buildRequest(request, openai, { stream: true }));

      expect(body).toEqual({
        model: 'gpt-5.4-mini',
        messages: [{ role: 'user', content: 'Hi' }],
        stream: true,
        stream_options: { include_usage: true },
      });
    });

    it('sends max_tokens as max_completion_tokens to OpenAI reasoning models', () => {
      const request: ChatCompletionRequest = {
        model: 'gpt-5.5',
        messages: [{ role: 'user', content: 'Hi' }],
        max_tokens: 32000,
      };

      const body = bodyOf(
        sut.chat.buildRequest(request, { ...openai, providerModel: 'gpt-5.5' }, { stream: false }),
      );

      expect(body).toEqual({ model: 'gpt-5.5', messages: request.messages, max_completion_tokens: 32000 });
    });

    it('fills the deployment defaults the request leaves unset, never routing or key settings', () => {
      const request: ChatCompletionRequest = {
        model: 'gpt-5.4-mini',
        messages: [{ role: 'user', content: 'Hi' }],
        temperature: 0.2,
      };
      const target = {
        ...openai,
        defaults: { temperature: 0.9, top_p: 0.5, api_key: 'sk-leak-me-0123456789', rpm: 10, timeout: 30 },
      };

      const upstream = sut.chat.buildRequest(request, target, { stream: false });

      expect(bodyOf(upstream)).toEqual({
        model: 'gpt-5.4-mini',
        messages: request.messages,
        temperature: 0.2,
        top_p: 0.5,
      });
      expect(upstream.body).not.toContain('sk-leak-me');
    });

    it('addresses a custom provider by its base URL and applies its param_mappings', () => {
      const request: ChatCompletionRequest = {
        model: 'opencode-glm-5-1',
        messages: [{ role: 'user', content: 'Hi' }],
        max_completion_tokens: 1024,
      };

      const upstream = sut.chat.buildRequest(request, opencodego, { stream: true });

      expect(upstream.url).toBe('https://opencode.ai/zen/go/v1/chat/completions');
      expect(upstream.headers.authorization).toBe('Bearer ocg-secret-key-abcdef123456');
      expect(bodyOf(upstream)).toEqual({
        model: 'glm-5.1',
        messages: request.messages,
        max_tokens: 1024,
        stream: true,
        stream_options: { include_usage: true },
      });
    });

    it('sends no Authorization header when the provider needs no key', () => {
      const upstream = sut.chat.buildRequest(
        { model: 'local', messages: [{ role: 'user', content: 'Hi' }] },
        { ...opencodego, apiKey: '' },
        { stream: false },
      );

      expect(upstream.headers).toEqual({ 'content-type': 'application/json' });
    });
  });

  describe('parseChatResponse', () => {
    it('returns the completion with canonical usage (cached and reasoning tokens split out)', () => {
      const body = readJsonFixture(__dirname, 'openai-chat-response.json');

      const result = sut.chat.parseResponse(body, openai);

      expect(result.usage).toEqual({
        input: { total: 2006, noCache: 86, cacheRead: 1920, cacheWrite: 0 },
        output: { total: 300, reasoning: 256 },
      });
      expect(result.finishReason).toBe('stop');
      expect(result.response).toEqual({
        id: 'chatcmpl-CXf8kQ2mBv3tZ7wYpLr1aN9sE4uHd',
        object: 'chat.completion',
        created: 1767225600,
        model: 'gpt-5.4-mini-2026-03-17',
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: 'The capital of France is Paris.',
              refusal: null,
              annotations: [],
            },
            logprobs: null,
            finish_reason: 'stop',
          },
        ],
        usage: {
          prompt_tokens: 2006,
          completion_tokens: 300,
          total_tokens: 2306,
          prompt_tokens_details: { cached_tokens: 1920, audio_tokens: 0 },
          completion_tokens_details: {
            reasoning_tokens: 256,
            audio_tokens: 0,
            accepted_prediction_tokens: 0,
            rejected_prediction_tokens: 0,
          },
        },
        service_tier: 'default',
        system_fingerprint: null,
      });
    });

    it('returns tool calls as they are with finish reason tool_calls', () => {
      const body = readJsonFixture(__dirname, 'openai-chat-response-tool-calls.json');

      const result = sut.chat.parseResponse(body, openai);

      expect(result.finishReason).toBe('tool_calls');
      expect(result.response.choices[0].message.content).toBeNull();
      expect(result.response.choices[0].message.tool_calls).toEqual([
        {
          id: 'call_Xk2pR7vQ9mLs4TnB8wYc1Ze3',
          type: 'function',
          function: { name: 'read', arguments: '{"filePath":"/repo/src/main.ts"}' },
        },
        {
          id: 'call_Ha5jN0bVu6Gt3ReW2qPo9Ki8',
          type: 'function',
          function: { name: 'glob', arguments: '{"pattern":"**/*.spec.ts"}' },
        },
      ]);
    });

    it('maps finish-reason synonyms of OpenAI-compatible servers', () => {
      const body = {
        id: 'x',
        object: 'chat.completion',
        created: 1,
        model: 'glm-5.1',
        choices: [{ index: 0, message: { role: 'assistant', content: 'cut' }, finish_reason: 'max_tokens' }],
        usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7, prompt_cache_hit_tokens: 3 },
      };

      const result = sut.chat.parseResponse(body, opencodego);

      expect(result.finishReason).toBe('length');
      expect(result.usage).toEqual({
        input: { total: 5, noCache: 2, cacheRead: 3, cacheWrite: 0 },
        output: { total: 2, reasoning: 0 },
      });
    });

    it('rejects a body without choices as a 502 naming the provider', () => {
      const error = thrown(() => sut.chat.parseResponse({ object: 'chat.completion' }, opencodego));

      expect(error.status).toBe(502);
      expect(error.provider).toBe('opencodego');
      expect(error.message).toBe('opencodego: unexpected response from the provider (no choices)');
    });
  });

  describe('createChatStreamParser', () => {
    it('passes chunks through and converts the usage-only chunk to canonical usage', () => {
      const parser = sut.chat.createStreamParser(openai);

      const chunks = runStreamFixture(parser, __dirname, 'openai-stream.sse');

      const common = {
        id: 'chatcmpl-CXfA1',
        object: 'chat.completion.chunk',
        created: 1767225700,
        model: 'gpt-5.4-mini-2026-03-17',
        service_tier: 'default',
        system_fingerprint: null,
      };
      expect(chunks).toEqual([
        {
          ...common,
          choices: [
            {
              index: 0,
              delta: { role: 'assistant', content: '', refusal: null },
              logprobs: null,
              finish_reason: null,
            },
          ],
          usage: null,
          obfuscation: 'q3',
        },
        {
          ...common,
          choices: [{ index: 0, delta: { content: 'Hello' }, logprobs: null, finish_reason: null }],
          usage: null,
          obfuscation: 'x9LkPq',
        },
        {
          ...common,
          choices: [{ index: 0, delta: { content: '!' }, logprobs: null, finish_reason: null }],
          usage: null,
          obfuscation: 'Vb2',
        },
        {
          ...common,
          choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }],
          usage: null,
          obfuscation: 'Hk',
        },
        {
          ...common,
          choices: [],
          usage: {
            prompt_tokens: 1500,
            completion_tokens: 130,
            total_tokens: 1630,
            prompt_tokens_details: { cached_tokens: 1280, audio_tokens: 0 },
            completion_tokens_details: {
              reasoning_tokens: 128,
              audio_tokens: 0,
              accepted_prediction_tokens: 0,
              rejected_prediction_tokens: 0,
            },
          },
          obfuscation: 'Zp0',
        },
      ]);
      expect(parser.done).toBe(true);
      expect(parser.summary()).toEqual({
        usage: {
          input: { total: 1500, noCache: 220, cacheRead: 1280, cacheWrite: 0 },
          output: { total: 130, reasoning: 128 },
        },
        finishReason: 'stop',
      });
    });

    it('passes streamed tool-call argument deltas through with their indexes', () => {
      const parser = sut.chat.createStreamParser(openai);

      const chunks = runStreamFixture(parser, __dirname, 'openai-stream-tool-calls.sse');

      expect(chunks.map((chunk) => chunk.choices[0]?.delta.tool_calls ?? null)).toEqual([
        [
          {
            index: 0,
            id: 'call_Xk2pR7vQ9mLs4TnB8wYc1Ze3',
            type: 'function',
            function: { name: 'read', arguments: '' },
          },
        ],
        [{ index: 0, function: { arguments: '{"file' } }],
        [{ index: 0, function: { arguments: 'Path":"/repo/src/main.ts"}' } }],
        [
          {
            index: 1,
            id: 'call_Ha5jN0bVu6Gt3ReW2qPo9Ki8',
            type: 'function',
            function: { name: 'glob', arguments: '' },
          },
        ],
        [{ index: 1, function: { arguments: '{"pattern":"**/*.spec.ts"}' } }],
        null,
        null,
      ]);
      expect(parser.summary()).toEqual({
        usage: {
          input: { total: 8123, noCache: 187, cacheRead: 7936, cacheWrite: 0 },
          output: { total: 64, reasoning: 0 },
        },
        finishReason: 'tool_calls',
      });
    });

    it('splits usage sent on the last choice chunk off into a usage-only chunk at [DONE]', () => {
      const parser = sut.chat.createStreamParser(opencodego);
      const usage = { prompt_tokens: 10, completion_tokens: 3, total_tokens: 13 };

      const finish = parser.push({
        event: null,
        data: JSON.stringify({
          id: 'c1',
          object: 'chat.completion.chunk',
          created: 5,
          model: 'glm-5.1',
          choices: [{ index: 0, delta: { content: 'ok' }, finish_reason: 'stop' }],
          usage,
        }),
      });
      const done = parser.push({ event: null, data: '[DONE]' });

      expect(finish).toEqual([
        {
          id: 'c1',
          object: 'chat.completion.chunk',
          created: 5,
          model: 'glm-5.1',
          choices: [{ index: 0, delta: { content: 'ok' }, finish_reason: 'stop' }],
        },
      ]);
      expect(done).toEqual([
        {
          id: 'c1',
          object: 'chat.completion.chunk',
          created: 5,
          model: 'glm-5.1',
          choices: [],
          usage: {
            prompt_tokens: 10,
            completion_tokens: 3,
            total_tokens: 13,
            prompt_tokens_details: { cached_tokens: 0 },
            completion_tokens_details: { reasoning_tokens: 0 },
          },
        },
      ]);
      expect(parser.done).toBe(true);
    });

    it('reports no usage for a stream cut before the provider sent it', () => {
      const parser = sut.chat.createStreamParser(openai);
      const events = decodeSse(readFixture(__dirname, 'openai-stream.sse'));

      events.slice(0, 3).forEach((event) => parser.push(event));

      expect(parser.done).toBe(false);
      expect(parser.summary()).toEqual({ usage: null, finishReason: null });
    });

    it('throws the error an OpenAI-compatible server sends inside the stream', () => {
      const parser = sut.chat.createStreamParser(opencodego);

      const error = thrown(() =>
        parser.push({
          event: null,
          data: '{"error":{"message":"Upstream overloaded","type":"server_error","code":"overloaded"}}',
        }),
      );

      expect(error).toMatchObject({
        status: 500,
        type: 'server_error',
        code: 'overloaded',
        provider: 'opencodego',
        isRetryable: true,
        message: 'opencodego: Upstream overloaded',
      });
    });

    it('throws an SSE event named error, and skips events that carry neither choices nor usage', () => {
      const parser = sut.chat.createStreamParser(opencodego);

      const skipped = parser.push({ event: null, data: '{}' });
      const error = thrown(() =>
        parser.push({ event: 'error', data: '{"message":"Provider returned error","code":429}' }),
      );

      expect(skipped).toEqual([]);
      expect(error).toMatchObject({
        status: 429,
        provider: 'opencodego',
        message: 'opencodego: Provider returned error',
      });
    });
  });

  describe('parseError', () => {
    it('maps a rate limit to a retryable 429 with the retry-after-ms delay', () => {
      const error = sut.parseError(
        429,
        readFixture(__dirname, 'openai-error-rate-limit.json'),
        { 'Retry-After-Ms': '1400', 'retry-after': '2' },
        openai,
      );

      expect(error).toBeInstanceOf(GatewayError);
      expect(error).toMatchObject({
        status: 429,
        type: 'rate_limit_error',
        code: 'rate_limit_exceeded',
        provider: 'openai',
        isRetryable: true,
        retryAfterMs: 1400,
      });
      expect(error.message).toMatch(/^openai: Rate limit reached for gpt-5\.5/);
    });

    it('reads retry-after in seconds or as an HTTP date', () => {
      const inSeconds = sut.parseError(503, '', { 'retry-after': '3' }, openai);
      const asDate = sut.parseError(
        503,
        '',
        { 'retry-after': new Date(FIXED_NOW_MS + 5000).toUTCString() },
        openai,
      );

      expect(inSeconds.retryAfterMs).toBe(3000);
      expect(asDate.retryAfterMs).toBe(5000);
    });

    it('keeps the masked key message OpenAI sends as it is', () => {
      const error = sut.parseError(401, readFixture(__dirname, 'openai-error-invalid-key.json'), {}, openai);

      expect(error.message).toContain('sk-proj-****');
      expect(error.type).toBe('invalid_request_error');
    });

    it('keeps context_length_exceeded and its param for context-window fallbacks', () => {
      const error = sut.parseError(
        400,
        readFixture(__dirname, 'openai-error-context-length.json'),
        {},
        openai,
      );

      expect(error).toMatchObject({
        status: 400,
        type: 'invalid_request_error',
        code: 'context_length_exceeded',
        param: 'messages',
        isRetryable: false,
      });
    });

    it('summarizes a non-JSON error page and names the custom provider', () => {
      const error = sut.parseError(
        502,
        '<html><body><h1>502 Bad Gateway</h1>\n<p>nginx</p></body></html>',
        {},
        opencodego,
      );

      expect(error).toMatchObject({
        status: 502,
        type: 'api_error',
        code: 'upstream_error',
        provider: 'opencodego',
        isRetryable: true,
        message: 'opencodego: 502 Bad Gateway nginx',
      });
    });
  });

  describe('embeddings', () => {
    it('builds the embeddings request with the provider model', () => {
      const upstream = embeddingOf(sut).buildRequest(
        { model: 'embed', input: ['a', 'b'], dimensions: 256 },
        { ...openai, providerModel: 'text-embedding-3-small' },
      );

      expect(upstream.url).toBe('https://api.openai.com/v1/embeddings');
      expect(bodyOf(upstream)).toEqual({
        model: 'text-embedding-3-small',
        input: ['a', 'b'],
        dimensions: 256,
      });
    });

    it('parses the embeddings response and its prompt tokens', () => {
      const result = embeddingOf(sut).parseResponse(
        readJsonFixture(__dirname, 'openai-embedding-response.json'),
        openai,
      );

      expect(result.response).toEqual({
        object: 'list',
        data: [
          { object: 'embedding', index: 0, embedding: [0.0023064255, -0.009327292, 0.015797347] },
          { object: 'embedding', index: 1, embedding: [-0.0069641005, 0.0128893, -0.0045513757] },
        ],
        model: 'text-embedding-3-small',
        usage: { prompt_tokens: 12, total_tokens: 12 },
      });
      expect(result.usage).toEqual({
        input: { total: 12, noCache: 12, cacheRead: 0, cacheWrite: 0 },
        output: { total: 0, reasoning: 0 },
      });
    });
  });
});

describeChatAdapter(openAIProvider, {
  directory: __dirname,
  target: openai,
  stream: {
    fixture: 'openai-stream.sse',
    usage: {
      input: { total: 1500, noCache: 220, cacheRead: 1280, cacheWrite: 0 },
      output: { total: 130, reasoning: 128 },
    },
    finishReason: 'stop',
  },
  errorEvent: {
    event: null,
    data: '{"error":{"message":"Upstream overloaded","type":"server_error","code":"overloaded"}}',
  },
  malformedEvent: { event: null, data: '{"id":' },
  invalidKey: { status: 401, fixture: 'openai-error-invalid-key.json' },
  overloaded: { status: 429, fixture: 'openai-error-rate-limit.json' },
});
