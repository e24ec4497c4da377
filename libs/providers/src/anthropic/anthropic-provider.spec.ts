import {
  bodyOf,
  chatRequestOf,
  fixedClock,
  readFixture,
  readJsonFixture,
  runStreamFixture,
  targetFor,
  thrownGatewayError as thrown,
} from '../__fixtures__/fixture-helpers';
import { describeChatAdapter } from '../__fixtures__/describe-chat-adapter';
import { decodeSse } from '../shared/sse-decoder';
import { anthropicProvider } from './anthropic-provider';

const anthropic = targetFor({
  provider: 'anthropic',
  providerModel: 'claude-sonnet-4-6',
  apiBase: 'https://api.anthropic.com',
  apiKey: 'sk-ant-api03-secret-0123456789abcdef',
});
const CREATED = 1767225600;

const chat = chatRequestOf('claude-sonnet-4-6');

describe('anthropicProvider', () => {
  const sut = anthropicProvider.withClock(fixedClock);

  describe('buildChatRequest', () => {
    it('posts to /v1/messages with the key in x-api-key and the API version', () => {
      const upstream = sut.chat.buildRequest(chat([{ role: 'user', content: 'Hi' }]), anthropic, {
        stream: false,
      });

      expect(upstream.method).toBe('POST');
      expect(upstream.url).toBe('https://api.anthropic.com/v1/messages');
      expect(upstream.headers).toEqual({
        'content-type': 'application/json',
        'x-api-key': 'sk-ant-api03-secret-0123456789abcdef',
        'anthropic-version': '2023-06-01',
      });
      expect(bodyOf(upstream)).toEqual({
        model: 'claude-sonnet-4-6',
        max_tokens: 4096,
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
      });
    });

    it('accepts an api_base that already ends in /v1', () => {
      const upstream = sut.chat.buildRequest(
        chat([{ role: 'user', content: 'Hi' }]),
        { ...anthropic, apiBase: 'http://mock:8080/anthropic/v1' },
        { stream: true },
      );

      expect(upstream.url).toBe('http://mock:8080/anthropic/v1/messages');
      expect(bodyOf(upstream).stream).toBe(true);
    });

    it('translates a whole agent conversation: system, images, tool calls and merged tool results', () => {
      const request = chat(
        [
          { role: 'system', content: 'You are a coding agent.' },
          {
            role: 'developer',
            content: [{ type: 'text', text: 'Project rules.', cache_control: { type: 'ephemeral' } }],
          },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is in these?' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
              { type: 'image_url', image_url: { url: 'https://example.com/diagram.jpg' } },
            ],
          },
          {
            role: 'assistant',
            content: 'Let me look.',
            tool_calls: [
              {
                id: 'toolu_01',
                type: 'function',
                function: { name: 'read', arguments: '{"filePath":"a.ts"}' },
              },
              {
                id: 'toolu_02',
                type: 'function',
                function: { name: 'read', arguments: '{"filePath":"b.ts"}' },
              },
            ],
          },
          { role: 'tool', tool_call_id: 'toolu_01', content: 'export const a = 1;' },
          {
            role: 'tool',
            tool_call_id: 'toolu_02',
            content: [{ type: 'text', text: 'export const b = 2;' }],
          },
          { role: 'user', content: 'Now compare them.', cache_control: { type: 'ephemeral' } },
        ],
        {
          max_completion_tokens: 2048,
          temperature: 0.3,
          top_p: 0.9,
          stop: ['END', '  '],
          user: 'user-42',
          tools: [
            {
              type: 'function',
              function: {
                name: 'read',
                description: 'Read a file',
                parameters: {
                  type: 'object',
                  properties: { filePath: { type: 'string' } },
                  required: ['filePath'],
                },
              },
            },
          ],
          tool_choice: 'auto',
          parallel_tool_calls: false,
          presence_penalty: 0.5,
          seed: 3,
        },
      );

      const body = bodyOf(sut.chat.buildRequest(request, anthropic, { stream: false }));

      expect(body).toEqual({
        model: 'claude-sonnet-4-6',
        max_tokens: 2048,
        system: [
          { type: 'text', text: 'You are a coding agent.' },
          { type: 'text', text: 'Project rules.', cache_control: { type: 'ephemeral' } },
        ],
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is in these?' },
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
              { type: 'image', source: { type: 'url', url: 'https://example.com/diagram.jpg' } },
            ],
          },
          {
            role: 'assistant',
            content: [
              { type: 'text', text: 'Let me look.' },
              { type: 'tool_use', id: 'toolu_01', name: 'read', input: { filePath: 'a.ts' } },
              { type: 'tool_use', id: 'toolu_02', name: 'read', input: { filePath: 'b.ts' } },
            ],
          },
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: 'toolu_01', content: 'export const a = 1;' },
              {
                type: 'tool_result',
                tool_use_id: 'toolu_02',
                content: [{ type: 'text', text: 'export const b = 2;' }],
              },
              { type: 'text', text: 'Now compare them.', cache_control: { type: 'ephemeral' } },
            ],
          },
        ],
        tools: [
          {
            name: 'read',
            description: 'Read a file',
            input_schema: {
              type: 'object',
              properties: { filePath: { type: 'string' } },
              required: ['filePath'],
            },
          },
        ],
        tool_choice: { type: 'auto', disable_parallel_tool_use: true },
        stop_sequences: ['END'],
        temperature: 0.3,
        top_p: 0.9,
        metadata: { user_id: 'user-42' },
      });
    });

    it.each([
      ['auto', { type: 'auto' }],
      ['none', { type: 'none' }],
      ['required', { type: 'any' }],
      [
        { type: 'function', function: { name: 'read' } },
        { type: 'tool', name: 'read' },
      ],
    ] as const)('maps tool_choice %j to %j', (toolChoice, expected) => {
      const request = chat([{ role: 'user', content: 'Hi' }], {
        tools: [{ type: 'function', function: { name: 'read' } }],
        tool_choice: toolChoice,
      });

      const body = bodyOf(sut.chat.buildRequest(request, anthropic, { stream: false }));

      expect(body.tool_choice).toEqual(expected);
      expect(body.tools).toEqual([{ name: 'read', input_schema: { type: 'object', properties: {} } }]);
    });

    it('merges consecutive messages of the same role', () => {
      const request = chat([
        { role: 'user', content: 'one' },
        { role: 'user', content: 'two' },
        { role: 'assistant', content: 'three' },
        { role: 'assistant', content: '' },
        { role: 'assistant', content: 'four' },
      ]);

      const body = bodyOf(sut.chat.buildRequest(request, anthropic, { stream: false }));

      expect(body.messages).toEqual([
        {
          role: 'user',
          content: [
            { type: 'text', text: 'one' },
            { type: 'text', text: 'two' },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'three' },
            { type: 'text', text: 'four' },
          ],
        },
      ]);
    });

    it('maps tool-call ids Anthropic would reject to the same stable id in tool_use and tool_result', () => {
      const request = chat(
        [
          { role: 'user', content: 'go' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'call.1/abc', type: 'function', function: { name: 'ls', arguments: '' } }],
          },
          { role: 'tool', tool_call_id: 'call.1/abc', content: '' },
        ],
        { tools: [{ type: 'function', function: { name: 'ls' } }] },
      );

      const messages = bodyOf(sut.chat.buildRequest(request, anthropic, { stream: false })).messages as {
        content: { id?: string; tool_use_id?: string }[];
      }[];

      const toolUseId = messages[1].content[0].id;
      expect(toolUseId).toMatch(/^toolu_[A-Za-z0-9]{24}$/);
      expect(messages[2].content).toEqual([{ type: 'tool_result', tool_use_id: toolUseId }]);
    });

    it('declares the tools a conversation used when the request defines none', () => {
      const request = chat([
        { role: 'user', content: 'go' },
        {
          role: 'assistant',
          tool_calls: [{ id: 't1', type: 'function', function: { name: 'ls', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: 't1', content: 'a.ts' },
        { role: 'user', content: 'Summarize.' },
      ]);

      const body = bodyOf(sut.chat.buildRequest(request, anthropic, { stream: false }));

      expect(body.tools).toEqual([{ name: 'ls', input_schema: { type: 'object' } }]);
      expect(body.tool_choice).toEqual({ type: 'none' });
    });

    it('uses max_tokens and deployment defaults, and clamps temperature to Anthropic’s range', () => {
      const request = chat([{ role: 'user', content: 'Hi' }], { max_tokens: 1000, temperature: 1.7 });

      const body = bodyOf(
        sut.chat.buildRequest(
          request,
          { ...anthropic, defaults: { max_tokens: 8000, top_k: 40 } },
          { stream: false },
        ),
      );

      expect(body).toMatchObject({ max_tokens: 1000, temperature: 1, top_k: 40 });
    });

    it('turns reasoning_effort into a thinking budget where Anthropic accepts one', () => {
      const request = chat([{ role: 'user', content: 'Prove it.' }], {
        reasoning_effort: 'medium',
        max_tokens: 16000,
      });

      const body = bodyOf(sut.chat.buildRequest(request, anthropic, { stream: false }));

      expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: 2048 });
    });

    it('leaves thinking off in a tool loop, with a forced tool, or when the budget does not fit', () => {
      const toolLoop = chat(
        [
          { role: 'user', content: 'go' },
          {
            role: 'assistant',
            tool_calls: [{ id: 't1', type: 'function', function: { name: 'ls', arguments: '{}' } }],
          },
          { role: 'tool', tool_call_id: 't1', content: 'a.ts' },
        ],
        { reasoning_effort: 'high', tools: [{ type: 'function', function: { name: 'ls' } }] },
      );
      const forced = chat([{ role: 'user', content: 'go' }], {
        reasoning_effort: 'high',
        tools: [{ type: 'function', function: { name: 'ls' } }],
        tool_choice: 'required',
      });
      const small = chat([{ role: 'user', content: 'go' }], { reasoning_effort: 'high', max_tokens: 1000 });

      for (const request of [toolLoop, forced, small]) {
        expect(bodyOf(sut.chat.buildRequest(request, anthropic, { stream: false })).thinking).toBeUndefined();
      }
    });

    it('maps a json_schema response_format to structured output', () => {
      const schema = { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false };
      const request = chat([{ role: 'user', content: 'JSON please' }], {
        response_format: { type: 'json_schema', json_schema: { name: 'answer', schema } },
      });

      const body = bodyOf(sut.chat.buildRequest(request, anthropic, { stream: false }));

      expect(body.output_config).toEqual({ format: { type: 'json_schema', schema } });
    });

    it('refuses n > 1 and audio input with a 400 naming the provider', () => {
      const many = thrown(() =>
        sut.chat.buildRequest(chat([{ role: 'user', content: 'Hi' }], { n: 2 }), anthropic, {
          stream: false,
        }),
      );
      const audio = thrown(() =>
        sut.chat.buildRequest(
          chat([
            { role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AAA', format: 'wav' } }] },
          ]),
          anthropic,
          { stream: false },
        ),
      );

      expect(many).toMatchObject({ status: 400, param: 'n', provider: 'anthropic', isRetryable: false });
      expect(audio).toMatchObject({ status: 400, provider: 'anthropic' });
    });
  });

  describe('parseChatResponse', () => {
    it('joins text, keeps thinking as reasoning_content, and counts cached input tokens', () => {
      const result = sut.chat.parseResponse(
        readJsonFixture(__dirname, 'anthropic-chat-response.json'),
        anthropic,
      );

      expect(result.usage).toEqual({
        input: { total: 4262, noCache: 12, cacheRead: 4000, cacheWrite: 250 },
        output: { total: 48, reasoning: 30 },
      });
      expect(result.finishReason).toBe('stop');
      expect(result.response).toEqual({
        id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
        object: 'chat.completion',
        created: CREATED,
        model: 'claude-sonnet-4-6',
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: 'The capital of France is Paris.',
              reasoning_content: 'The user wants the capital of France. That is Paris.',
            },
            finish_reason: 'stop',
          },
        ],
        usage: {
          prompt_tokens: 4262,
          completion_tokens: 48,
          total_tokens: 4310,
          prompt_tokens_details: { cached_tokens: 4000, cache_creation_tokens: 250 },
          completion_tokens_details: { reasoning_tokens: 30 },
        },
      });
    });

    it('turns tool_use blocks into tool calls with JSON arguments', () => {
      const result = sut.chat.parseResponse(
        readJsonFixture(__dirname, 'anthropic-chat-response-tool-use.json'),
        anthropic,
      );

      expect(result.finishReason).toBe('tool_calls');
      expect(result.response.choices[0].message).toEqual({
        role: 'assistant',
        content: "I'll read both files.",
        tool_calls: [
          {
            id: 'toolu_01A09q90qw90lq917835lq9',
            type: 'function',
            function: { name: 'read', arguments: '{"filePath":"/repo/src/main.ts"}' },
          },
          {
            id: 'toolu_01B18r81rx81mr826724mr8',
            type: 'function',
            function: { name: 'read', arguments: '{"filePath":"/repo/package.json","limit":50}' },
          },
        ],
      });
      expect(result.usage).toEqual({
        input: { total: 1520, noCache: 1520, cacheRead: 0, cacheWrite: 0 },
        output: { total: 92, reasoning: 0 },
      });
    });

    it.each([
      ['end_turn', 'stop'],
      ['stop_sequence', 'stop'],
      ['max_tokens', 'length'],
      ['model_context_window_exceeded', 'length'],
      ['tool_use', 'tool_calls'],
      ['refusal', 'content_filter'],
      ['pause_turn', 'stop'],
    ])('maps stop_reason %s to %s', (stopReason, finishReason) => {
      const body = {
        ...(readJsonFixture(__dirname, 'anthropic-chat-response.json') as object),
        stop_reason: stopReason,
      };

      expect(sut.chat.parseResponse(body, anthropic).finishReason).toBe(finishReason);
    });

    it('rejects a body that is not a message with a 502', () => {
      expect(thrown(() => sut.chat.parseResponse({ type: 'message' }, anthropic))).toMatchObject({
        status: 502,
        code: 'bad_upstream_response',
      });
    });
  });

  describe('createChatStreamParser', () => {
    it('translates text and thinking events into OpenAI chunks with canonical usage at message_stop', () => {
      const parser = sut.chat.createStreamParser(anthropic);

      const chunks = runStreamFixture(parser, __dirname, 'anthropic-stream.sse');

      const chunk = (choices: unknown[], extra: object = {}) => ({
        id: 'msg_014p7gG3wDgGV9EUtLvnow3U',
        object: 'chat.completion.chunk',
        created: CREATED,
        model: 'claude-sonnet-4-6',
        choices,
        ...extra,
      });
      const delta = (value: object) => chunk([{ index: 0, delta: value, finish_reason: null }]);
      expect(chunks).toEqual([
        delta({ role: 'assistant', content: '' }),
        delta({ reasoning_content: 'Short greeting' }),
        delta({ reasoning_content: ' expected.' }),
        delta({ content: 'Hello' }),
        delta({ content: ' there!' }),
        chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]),
        chunk([], {
          usage: {
            prompt_tokens: 9688,
            completion_tokens: 25,
            total_tokens: 9713,
            prompt_tokens_details: { cached_tokens: 8192, cache_creation_tokens: 1024 },
            completion_tokens_details: { reasoning_tokens: 18 },
          },
        }),
      ]);
      expect(parser.done).toBe(true);
      expect(parser.summary()).toEqual({
        usage: {
          input: { total: 9688, noCache: 472, cacheRead: 8192, cacheWrite: 1024 },
          output: { total: 25, reasoning: 18 },
        },
        finishReason: 'stop',
      });
    });

    it('streams each tool_use block as a tool call: id and name first, then argument deltas', () => {
      const parser = sut.chat.createStreamParser(anthropic);

      const chunks = runStreamFixture(parser, __dirname, 'anthropic-stream-tool-use.sse');

      expect(
        chunks.map((chunk) => (chunk.choices.length > 0 ? chunk.choices[0] : { usage: chunk.usage })),
      ).toEqual([
        { index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null },
        { index: 0, delta: { content: 'Reading both files.' }, finish_reason: null },
        {
          index: 0,
          delta: {
            tool_calls: [
              {
                index: 0,
                id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6',
                type: 'function',
                function: { name: 'read', arguments: '' },
              },
            ],
          },
          finish_reason: null,
        },
        {
          index: 0,
          delta: { tool_calls: [{ index: 0, function: { arguments: '{"filePath": "/repo/sr' } }] },
          finish_reason: null,
        },
        {
          index: 0,
          delta: { tool_calls: [{ index: 0, function: { arguments: 'c/main.ts"}' } }] },
          finish_reason: null,
        },
        {
          index: 0,
          delta: {
            tool_calls: [
              {
                index: 1,
                id: 'toolu_01Q2w3e4r5t6y7u8i9o0pAsD',
                type: 'function',
                function: { name: 'glob', arguments: '' },
              },
            ],
          },
          finish_reason: null,
        },
        {
          index: 0,
          delta: { tool_calls: [{ index: 1, function: { arguments: '{"pattern": "**/*.spec.ts"}' } }] },
          finish_reason: null,
        },
        { index: 0, delta: {}, finish_reason: 'tool_calls' },
        {
          usage: {
            prompt_tokens: 1520,
            completion_tokens: 89,
            total_tokens: 1609,
            prompt_tokens_details: { cached_tokens: 0 },
            completion_tokens_details: { reasoning_tokens: 0 },
          },
        },
      ]);
      expect(parser.summary().finishReason).toBe('tool_calls');
    });

    it('throws an error event as a retryable 529 and keeps the partial usage', () => {
      const parser = sut.chat.createStreamParser(anthropic);
      const events = decodeSse(readFixture(__dirname, 'anthropic-stream-error.sse'));

      const delivered = events.slice(0, 3).flatMap((event) => parser.push(event));
      const error = thrown(() => parser.push(events[3]));

      expect(delivered.map((chunk) => chunk.choices[0].delta)).toEqual([
        { role: 'assistant', content: '' },
        { content: 'Par' },
      ]);
      expect(error).toMatchObject({
        status: 529,
        type: 'overloaded_error',
        provider: 'anthropic',
        isRetryable: true,
        message: 'anthropic: Overloaded',
      });
      expect(parser.done).toBe(false);
      expect(parser.summary()).toEqual({
        usage: {
          input: { total: 30, noCache: 30, cacheRead: 0, cacheWrite: 0 },
          output: { total: 1, reasoning: 0 },
        },
        finishReason: null,
      });
    });

    it('skips argument deltas of blocks that are not client tool calls', () => {
      const parser = sut.chat.createStreamParser(anthropic);

      const chunks = parser.push({
        event: 'content_block_delta',
        data: '{"type":"content_block_delta","index":4,"delta":{"type":"input_json_delta","partial_json":"{\\"query\\""}}',
      });

      expect(chunks).toEqual([]);
    });
  });

  describe('parseError', () => {
    it('maps overloaded_error to a retryable 529 with the retry-after delay', () => {
      const error = sut.parseError(
        529,
        readFixture(__dirname, 'anthropic-error-overloaded.json'),
        { 'retry-after': '10' },
        anthropic,
      );

      expect(error).toMatchObject({
        status: 529,
        type: 'overloaded_error',
        code: 'upstream_error',
        provider: 'anthropic',
        isRetryable: true,
        retryAfterMs: 10000,
        message: 'anthropic: Overloaded',
      });
    });

    it('marks a too-long prompt as context_length_exceeded (not retryable)', () => {
      const error = sut.parseError(
        400,
        readFixture(__dirname, 'anthropic-error-prompt-too-long.json'),
        {},
        anthropic,
      );

      expect(error).toMatchObject({
        status: 400,
        type: 'invalid_request_error',
        code: 'context_length_exceeded',
        isRetryable: false,
      });
    });
  });

  it('has no embeddings (the dispatcher answers 400 without a call)', () => {
    expect(sut.embedding).toBeNull();
  });
});

describeChatAdapter(anthropicProvider, {
  directory: __dirname,
  target: anthropic,
  stream: {
    fixture: 'anthropic-stream.sse',
    usage: {
      input: { total: 9688, noCache: 472, cacheRead: 8192, cacheWrite: 1024 },
      output: { total: 25, reasoning: 18 },
    },
    finishReason: 'stop',
  },
  errorEvent: {
    event: 'error',
    data: '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
  },
  malformedEvent: { event: 'content_block_delta', data: '{"type":"content_block_delta"}' },
  invalidKey: { status: 401, fixture: 'anthropic-error-authentication.json' },
  overloaded: { status: 529, fixture: 'anthropic-error-overloaded.json' },
});
