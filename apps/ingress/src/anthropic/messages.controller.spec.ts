import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { Deployment, IngressEnvironment } from '@switchyard/config';
import {
  type AttemptOutcome,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  GatewayError,
} from '@switchyard/contracts';
import { convertOpenAIUsage } from '@switchyard/providers';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { MasterKey } from '../auth/master-key';
import type { ChatCallContext } from '../http/chat-context';
import {
  type ChatAnswer,
  type ChatPart,
  CompleteChat,
  type ChatResponseMeta,
} from '../completion/complete-chat';
import type { AdmittedModel } from '../completion/fallback-policy';
import { NOTHING_TO_SETTLE } from '../limits/call-admission';
import { registerJsonBodyParser } from '../http/json-body-parser';
import { OpenAIExceptionFilter } from '../surfaces/openai-exception.filter';
import type { ResolvedModel } from '../routing/resolve-model';
import { CountMessageTokens } from './count-message-tokens';
import { MessagesController } from './messages.controller';

const KEY = 'sk-test-master-key';

function readFixture(name: string): string {
  return readFileSync(join(__dirname, '__fixtures__', name), 'utf8');
}

const deployment = { id: 'deployment-1', provider: { name: 'opencodego' } } as unknown as Deployment;
const resolved: ResolvedModel = {
  modelGroup: 'opencodego-router',
  modelName: 'opencode-deepseek-v4-flash',
  deployments: [deployment],
  decision: null,
};
const call: AdmittedModel = {
  resolved,
  admitted: NOTHING_TO_SETTLE,
  candidates: [{ modelName: resolved.modelName, deployment }],
};

function metaOf(context: ChatCallContext): ChatResponseMeta {
  return {
    callId: context.callId,
    modelGroup: 'opencodego-router',
    modelName: 'opencode-deepseek-v4-flash',
    deployment,
    decision: null,
    admissionHeaders: {},
    cacheKey: null,
  };
}

function outcomeOf(usage: unknown): AttemptOutcome {
  return {
    eventId: '7d0f8b1e-5c1a-4c38-9a57-1a0f6c3e2b11',
    deploymentId: 'deployment-1',
    model: 'opencode-deepseek-v4-flash',
    provider: 'opencodego',
    providerModel: 'deepseek-v4-flash',
    usage: convertOpenAIUsage(usage),
    costUsd: 0.0001,
    upstreamLatencyMs: 12,
    ttftMs: 5,
  };
}

/** Stands in for CompleteChat: records what it was given, answers as each test says. */
class FakeCompleteChat {
  calls: { request: ChatCompletionRequest; context: ChatCallContext }[] = [];
  resolveWith: () => Promise<AdmittedModel> = async () => call;
  completion: ChatCompletion | null = null;
  streamWith: (context: ChatCallContext) => Promise<ChatAnswer> = () => new Promise(() => undefined);

  async resolve(request: ChatCompletionRequest, context: ChatCallContext): Promise<AdmittedModel> {
    this.calls.push({ request, context });
    return this.resolveWith();
  }

  async complete(_request: ChatCompletionRequest, _call: AdmittedModel, context: ChatCallContext) {
    const completion = this.completion!;
    return { meta: metaOf(context), completion, outcome: outcomeOf(completion.usage) };
  }

  stream(
    _request: ChatCompletionRequest,
    _call: AdmittedModel,
    context: ChatCallContext,
    _signal: AbortSignal,
  ): Promise<ChatAnswer> {
    return this.streamWith(context);
  }
}

/** an answer whose parts are `parts`, then `error` thrown (when given). */
function answerOf(context: ChatCallContext, parts: ChatPart[], error?: GatewayError): ChatAnswer {
  async function* iterate(): AsyncGenerator<ChatPart> {
    yield* parts;
    if (error) throw error;
  }
  return { meta: metaOf(context), parts: iterate() };
}

describe(MessagesController.name, () => {
  let app: NestFastifyApplication;
  let completeChat: FakeCompleteChat;
  const countTokens = { execute: jest.fn() };

  beforeEach(async () => {
    completeChat = new FakeCompleteChat();
    const moduleRef = await Test.createTestingModule({
      controllers: [MessagesController],
      providers: [
        { provide: CompleteChat, useValue: completeChat },
        { provide: CountMessageTokens, useValue: countTokens },
        { provide: MasterKey, useValue: new MasterKey(KEY) },
        ApiKeyGuard,
      ],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
      bodyParser: false,
      logger: false,
    });
    registerJsonBodyParser(app.getHttpAdapter().getInstance(), 10 * 1024 * 1024, 10);
    // as main.ts does: the OpenAI envelope is the global default
    app.useGlobalFilters(new OpenAIExceptionFilter({ MAX_REQUEST_BODY_MB: 10 } as IngressEnvironment));
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterEach(async () => {
    await app.close();
  });

  function post(body: unknown, headers: Record<string, string> = { 'x-api-key': KEY }, url = '/v1/messages') {
    return app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json', ...headers },
      payload: JSON.stringify(body),
    });
  }

  const ask = { model: 'opencodego-router', max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }] };

  it('answers a wrong key in Anthropic’s envelope although the global filter is OpenAI’s', async () => {
    const response = await post(ask, { authorization: 'Bearer sk-wrong' });

    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({
      type: 'error',
      error: { type: 'authentication_error', message: 'Invalid API key.' },
    });
    expect(response.headers['request-id']).toEqual(expect.any(String));
    expect(completeChat.calls).toEqual([]);
  });

  it('accepts the key as Authorization: Bearer, as the current SDK sends it', async () => {
    completeChat.completion = JSON.parse(readFixture('openai-completion-text.json')) as ChatCompletion;

    const response = await post(ask, { authorization: `Bearer ${KEY}` });

    expect(response.statusCode).toBe(200);
  });

  it('answers an invalid body with 400 naming the field', async () => {
    const response = await post({ model: 'opencodego-router', messages: ask.messages });

    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'max_tokens: Field required' },
    });
  });

  it('completes a JSON call: canonical request in, Anthropic message and LiteLLM headers out', async () => {
    completeChat.completion = JSON.parse(readFixture('openai-completion-text.json')) as ChatCompletion;

    const response = await post(
      { ...ask, metadata: { user_id: 'user-7' } },
      {
        'x-api-key': KEY,
        'x-claude-code-session-id': 'session-abc',
      },
    );

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(JSON.parse(readFixture('anthropic-message-text.json')));
    const callId = response.headers['x-litellm-call-id'];
    expect(response.headers).toMatchObject({
      'request-id': callId,
      'x-litellm-model-group': 'opencodego-router',
      'x-litellm-model-id': 'deployment-1',
      'x-litellm-response-cost': '0.0001',
    });
    expect(completeChat.calls[0].request).toEqual({
      model: 'opencodego-router',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'Hi' }],
      user: 'user-7',
    });
    expect(completeChat.calls[0].context).toMatchObject({
      endpoint: 'messages',
      user: 'user-7',
      sessionId: 'session-abc',
      callId,
    });
  });

  it('streams Anthropic events byte for byte, with the headers first', async () => {
    const chunks = JSON.parse(readFixture('openai-chunks-tool-calls.json')) as ChatCompletionChunk[];
    completeChat.streamWith = async (context) =>
      answerOf(context, [
        ...chunks.map((chunk): ChatPart => ({ type: 'chunk', chunk })),
        { type: 'finish', outcome: outcomeOf(chunks.at(-1)!.usage), completion: null },
      ]);

    const response = await post({
      ...ask,
      stream: true,
      messages: [{ role: 'user', content: 'x'.repeat(168) }],
    });

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(response.headers['x-litellm-model-group']).toBe('opencodego-router');
    expect(response.headers['request-id']).toBe(response.headers['x-litellm-call-id']);
    expect(response.body).toBe(readFixture('anthropic-stream-tool-use.sse'));
    expect(completeChat.calls[0].request).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('answers a failure before the stream opened with an error response', async () => {
    completeChat.resolveWith = async () => {
      throw GatewayError.notFound('The model "nope" does not exist on this gateway.', 'model');
    };

    const response = await post({ ...ask, model: 'nope', stream: true });

    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      type: 'error',
      error: { type: 'not_found_error', message: 'The model "nope" does not exist on this gateway.' },
    });
  });

  it('ends a stream that fails after it opened with an error event', async () => {
    completeChat.streamWith = async (context) =>
      answerOf(context, [], new GatewayError(529, 'overloaded_error', 'anthropic: Overloaded'));

    const response = await post({ ...ask, stream: true });

    expect(response.statusCode).toBe(200);
    expect(response.body).toBe(
      'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"anthropic: Overloaded"}}\n\n',
    );
  });

  it('answers a stream that failed before opening with the status and retry-after', async () => {
    completeChat.streamWith = () =>
      Promise.reject(GatewayError.rateLimited('opencodego: rate limited', 2500));

    const response = await post({ ...ask, stream: true });

    expect(response.statusCode).toBe(429);
    expect(response.headers).toMatchObject({ 'retry-after': '3', 'x-should-retry': 'true' });
    expect(response.json()).toEqual({
      type: 'error',
      error: { type: 'rate_limit_error', message: 'opencodego: rate limited' },
    });
  });

  it('serves the same routes without the /v1 prefix', async () => {
    completeChat.completion = JSON.parse(readFixture('openai-completion-text.json')) as ChatCompletion;

    const response = await post(ask, { 'x-api-key': KEY }, '/messages');

    expect(response.statusCode).toBe(200);
  });

  it('counts tokens without needing max_tokens', async () => {
    countTokens.execute.mockResolvedValue({ input_tokens: 11 });

    const response = await post(
      { model: 'claude-sonnet-4-6', messages: ask.messages },
      { 'x-api-key': KEY },
      '/v1/messages/count_tokens',
    );

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ input_tokens: 11 });
    expect(countTokens.execute).toHaveBeenCalledWith(
      { model: 'claude-sonnet-4-6', messages: ask.messages },
      expect.objectContaining({ endpoint: 'messages', caller: { kind: 'master' } }),
    );
  });
});
