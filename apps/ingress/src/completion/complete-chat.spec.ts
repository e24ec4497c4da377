import type Redis from 'ioredis';
import { Registry } from 'prom-client';
import { type IngressEnvironment, parseGatewayConfig } from '@switchyard/config';
import {
  type AttemptOutcome,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  type ClassifyDecision,
  type DispatchChatRequest,
  GatewayError,
  type VirtualKey,
} from '@switchyard/contracts';
import { IngressMetrics } from '@switchyard/telemetry';
import { AttemptFailure } from '../dispatch/attempt-failure';
import type { DispatchChatPart, DispatchClient } from '../dispatch/dispatch-client';
import { ReplyQueue } from '../dispatch/reply-queue';
import { KeyAdmission } from '../limits/key-admission';
import type { DeploymentCooldowns } from '../routing/deployment-cooldowns';
import type { ResolvedModel, ResolveModel } from '../routing/resolve-model';
import type { AdmittedCall, CallAdmission } from '../limits/call-admission';
import type { ChatCallContext } from '../http/chat-context';
import type { ChatResponseCache } from './chat-response-cache';
import { type ChatPart, CompleteChat } from './complete-chat';
import { FallbackPolicy } from './fallback-policy';
import type { RecordRefusal } from '../limits/record-refusal';
import type { RoutingLog } from '../routing/routing-log';

const configuration = parseGatewayConfig(
  `
model_list:
  - model_name: gpt-5.4-mini
    litellm_params: { model: openai/gpt-5.4-mini, api_key: test, input_cost_per_token: 0.000001, output_cost_per_token: 0.000002 }
  - model_name: gpt-5.5
    litellm_params: { model: openai/gpt-5.5, api_key: test, input_cost_per_token: 0.000005, output_cost_per_token: 0.00003 }
  - model_name: gpt-5.4
    litellm_params: { model: openai/gpt-5.4, api_key: test, input_cost_per_token: 0.000002, output_cost_per_token: 0.00001 }
  - model_name: frontier-router
    litellm_params:
      model: auto_router/complexity_router
      complexity_router_config: { tiers: { SIMPLE: gpt-5.4-mini, COMPLEX: gpt-5.5 } }
router_settings:
  fallbacks: [{ gpt-5.4-mini: [gpt-5.5, gpt-5.4] }]
`,
  { source: 'test.yaml', environment: {} },
);

const request: ChatCompletionRequest = {
  model: 'gpt-5.4-mini',
  messages: [{ role: 'user', content: 'hello' }],
  max_tokens: 10,
};

const outcome = {
  eventId: '6f1c2c54-4f7b-4a5e-9d55-0c5d8c1f5a11',
  costUsd: 0.00004,
  usage: { input: { total: 7, noCache: 7, cacheRead: 0, cacheWrite: 0 }, output: { total: 9, reasoning: 0 } },
  upstreamLatencyMs: 10,
} as AttemptOutcome;

function virtualKey(overrides: Partial<VirtualKey> = {}): VirtualKey {
  return {
    key_id: 'key-1',
    token: 'a'.repeat(64),
    key_name: 'sk-...abcd',
    key_alias: 'team-a',
    user_id: null,
    models: [],
    max_budget: 10,
    budget_duration: null,
    rpm_limit: null,
    tpm_limit: null,
    max_parallel_requests: 2,
    expires: null,
    blocked: false,
    metadata: {},
    created_at: new Date(Date.now() - 86_400_000).toISOString(),
    updated_at: new Date().toISOString(),
    ...overrides,
  };
}

function contextOf(key: VirtualKey): ChatCallContext {
  return {
    callId: 'call-1',
    receivedAt: performance.now(),
    bodyBytes: 100,
    caller: { kind: 'virtual', keyId: key.key_id, keyHash: key.token, models: key.models, key },
    endpoint: 'chat',
    sessionId: null,
    user: null,
    metadata: null,
    cacheControl: null,
    observation: {
      endpoint: 'chat',
      stream: false,
      modelGroup: '',
      model: '',
      provider: '',
      tier: '',
      upstreamMs: null,
    },
  };
}

interface Dispatched {
  request: DispatchChatRequest;
  /** the attempt's replies, as the dispatcher sends them */
  replies: ReplyQueue<DispatchChatPart>;
  /** called when the call's signal tells the attempt to cancel */
  cancel: jest.Mock;
}

const chunk = {
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'gpt-5.4-mini',
  choices: [{ index: 0, delta: { content: 'Hi' }, finish_reason: null }],
} as ChatCompletionChunk;

const completion = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-5.4-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' }],
} as unknown as ChatCompletion;

function failedWith(error: GatewayError, attemptOutcome: AttemptOutcome | null = null): AttemptFailure {
  return new AttemptFailure(error, attemptOutcome);
}

/** reads every part of an answer; the error that ended it, if one did. */
async function readAll(parts: AsyncIterable<ChatPart>): Promise<{ parts: ChatPart[]; error: unknown }> {
  const read: ChatPart[] = [];
  try {
    for await (const part of parts) read.push(part);
    return { parts: read, error: null };
  } catch (error) {
    return { parts: read, error };
  }
}

const routerDecision = {
  router: 'frontier-router',
  tier: 'SIMPLE',
  model: 'gpt-5.4-mini',
  score: 0.1,
  dimensions: [],
} as unknown as ClassifyDecision;

describe(CompleteChat.name, () => {
  let dispatched: Dispatched[];
  let decision: ClassifyDecision | null;
  let admitLimits: jest.Mock;
  let settle: jest.Mock;
  let reserveAgain: jest.Mock;
  let admission: CallAdmission;
  let coolingDown: Set<string>;
  let refusals: jest.Mock;

  function build(callAdmission: CallAdmission): CompleteChat {
    const resolveModel = {
      execute: async (model: string): Promise<ResolvedModel> => ({
        modelGroup: model,
        modelName: 'gpt-5.4-mini',
        deployments: [...configuration.deploymentsFor('gpt-5.4-mini')],
        decision,
      }),
      deploymentsOf: (name: string) => [...configuration.deploymentsFor(name)],
    };
    const dispatchClient = {
      chat: (_provider: string, dispatchRequest: DispatchChatRequest, signal: AbortSignal) => {
        const cancel = jest.fn();
        const replies = new ReplyQueue<DispatchChatPart>();
        signal.addEventListener('abort', cancel, { once: true });
        dispatched.push({ request: dispatchRequest, replies, cancel });
        return replies;
      },
    };
    const fallbacks = new FallbackPolicy(
      configuration,
      resolveModel as unknown as ResolveModel,
      callAdmission,
      { isCoolingDown: (id: string) => coolingDown.has(id) } as unknown as DeploymentCooldowns,
      new IngressMetrics(new Registry()),
      { execute: refusals } as unknown as RecordRefusal,
    );
    return new CompleteChat(
      configuration,
      resolveModel as unknown as ResolveModel,
      dispatchClient as unknown as DispatchClient,
      callAdmission,
      fallbacks,
      {
        lookup: async () => ({ key: null, policy: null, hit: null }),
        save: () => undefined,
      } as unknown as ChatResponseCache,
      { record: () => undefined } as unknown as RoutingLog,
    );
  }

  /** a KeyAdmission on a Redis stand-in that admits everything and records what it was sent. */
  function keyAdmission(): KeyAdmission {
    const redis = {
      defineCommand: () => undefined,
      limitsAdmitScopes: admitLimits,
      limitsSettleScopes: jest.fn(async () => 1),
      limitsReserveAgainScopes: jest.fn(async () => 1),
    };
    return new KeyAdmission(
      redis as unknown as Redis,
      configuration,
      { BUDGET_OUTPUT_TOKEN_ALLOWANCE: 4096 } as IngressEnvironment,
      { execute: () => undefined } as unknown as RecordRefusal,
    );
  }

  beforeEach(() => {
    coolingDown = new Set();
    refusals = jest.fn();
    decision = null;
    dispatched = [];
    admitLimits = jest.fn(async () => ['ok', 1, 0, 1, '0', '0', 0]);
    settle = jest.fn();
    reserveAgain = jest.fn(async () => true);
    const admitted: AdmittedCall = { headers: {}, settle, reserveAgain };
    admission = { authorize: () => undefined, permits: () => true, admit: async () => admitted };
  });

  async function flush(): Promise<void> {
    for (let turn = 0; turn < 5; turn += 1) await Promise.resolve();
  }

  it('prices the budget estimate at the dearest deployment that may answer, fallbacks included', async () => {
    const sut = build(keyAdmission());
    await sut.resolve(request, contextOf(virtualKey()));
    const estimateUsd = Number((admitLimits.mock.calls[0] as unknown[])[11]);
    const inputTokens = Math.ceil(5 / 4) + 4;
    // gpt-5.5's prices (the fallback), not gpt-5.4-mini's
    expect(estimateUsd).toBeCloseTo(inputTokens * 0.000005 + 10 * 0.00003, 12);
  });

  it("a key scoped to one model is never answered by that model's fallback, nor priced for it", async () => {
    const sut = build(keyAdmission());
    const context = contextOf(virtualKey({ models: ['gpt-5.4-mini'] }));
    const resolved = await sut.resolve(request, context);
    const estimateUsd = Number((admitLimits.mock.calls[0] as unknown[])[11]);
    expect(estimateUsd).toBeCloseTo((Math.ceil(5 / 4) + 4) * 0.000001 + 10 * 0.000002, 12);
    const failure = sut.complete(request, resolved, context, new AbortController().signal);
    await flush();
    dispatched[0].replies.fail(failedWith(GatewayError.upstream(503, 'overloaded'), outcome));
    await expect(failure).rejects.toMatchObject({ status: 503 });
    expect(dispatched.map((call) => call.request.deploymentId)).toEqual([
      configuration.deploymentsFor('gpt-5.4-mini')[0].id,
    ]);
  });

  it('falls back to a model the key may call', async () => {
    const sut = build(keyAdmission());
    const context = contextOf(virtualKey({ models: ['gpt-5.4-mini', 'gpt-5.5'] }));
    const resolved = await sut.resolve(request, context);
    void sut.complete(request, resolved, context, new AbortController().signal).catch(() => undefined);
    await flush();
    dispatched[0].replies.fail(failedWith(GatewayError.upstream(503, 'overloaded'), outcome));
    await flush();
    expect(dispatched[1].request.deploymentId).toBe(configuration.deploymentsFor('gpt-5.5')[0].id);
  });

  it('lets a key scoped to a router fall back to the models that router routes to, and only those', async () => {
    decision = routerDecision;
    const sut = build(keyAdmission());
    const routed = { ...request, model: 'frontier-router' };
    const context = contextOf(virtualKey({ models: ['frontier-router'] }));
    const resolved = await sut.resolve(routed, context);
    void sut.complete(routed, resolved, context, new AbortController().signal).catch(() => undefined);
    await flush();
    dispatched[0].replies.fail(failedWith(GatewayError.upstream(503, 'overloaded'), outcome));
    await flush();
    dispatched[1].replies.fail(failedWith(GatewayError.upstream(503, 'overloaded'), outcome));
    await flush();
    expect(dispatched.map((call) => call.request.deploymentId)).toEqual([
      configuration.deploymentsFor('gpt-5.4-mini')[0].id,
      configuration.deploymentsFor('gpt-5.5')[0].id,
    ]);
  });

  it('reserves the silent attempt before dispatching the call again, as a new attempt', async () => {
    const sut = build(admission);
    const context = contextOf(virtualKey());
    const resolved = await sut.resolve(request, context);
    void sut.complete(request, resolved, context, new AbortController().signal).catch(() => undefined);
    await flush();
    const dispatchedWhenReserved: number[] = [];
    reserveAgain.mockImplementation(async () => {
      dispatchedWhenReserved.push(dispatched.length);
      return true;
    });
    dispatched[0].replies.fail(failedWith(GatewayError.unavailable('silent', { code: 'responder_lost' })));
    await flush();
    expect(reserveAgain).toHaveBeenCalledWith(0);
    expect(dispatchedWhenReserved).toEqual([1]);
    expect(dispatched).toHaveLength(2);
    expect(dispatched[1].request).toMatchObject({
      attempt: 1,
      deploymentId: dispatched[0].request.deploymentId,
    });
  });

  it('does not dispatch again when the budget cannot cover a second attempt', async () => {
    reserveAgain.mockResolvedValue(false);
    const sut = build(admission);
    const context = contextOf(virtualKey());
    const resolved = await sut.resolve(request, context);
    const failure = sut.complete(request, resolved, context, new AbortController().signal);
    await flush();
    dispatched[0].replies.fail(failedWith(GatewayError.unavailable('silent', { code: 'no_responder' })));
    await expect(failure).rejects.toMatchObject({ code: 'no_responder' });
    expect(dispatched).toHaveLength(1);
    expect(settle).toHaveBeenCalledWith(null);
  });

  it('settles a call whose client went away with the usage outcome of its cancelled attempt', async () => {
    const sut = build(admission);
    const context = contextOf(virtualKey());
    const resolved = await sut.resolve(request, context);
    const abort = new AbortController();
    const failure = sut.complete(request, resolved, context, abort.signal);
    await flush();
    abort.abort();
    expect(dispatched[0].cancel).toHaveBeenCalled();
    expect(settle).not.toHaveBeenCalled();
    dispatched[0].replies.fail(
      failedWith(
        GatewayError.upstream(499, 'the client went away', { code: 'client_closed_request' }),
        outcome,
      ),
    );
    await expect(failure).rejects.toMatchObject({ status: 499 });
    expect(settle).toHaveBeenCalledWith(outcome);
    expect(dispatched).toHaveLength(1);
  });

  describe('streams as values', () => {
    const mini = () => configuration.deploymentsFor('gpt-5.4-mini')[0].id;
    const frontier = () => configuration.deploymentsFor('gpt-5.5')[0].id;

    it.each([
      ['a 429', GatewayError.rateLimited('rate limited', 1000)],
      ['a 503', GatewayError.upstream(503, 'overloaded')],
    ])('falls back after %s before the first chunk, and answers from the fallback', async (_case, error) => {
      const sut = build(admission);
      const context = contextOf(virtualKey());
      const call = await sut.resolve({ ...request, stream: true }, context);
      const answering = sut.stream({ ...request, stream: true }, call, context, new AbortController().signal);
      await flush();
      dispatched[0].replies.fail(failedWith(error));
      await flush();
      dispatched[1].replies.push({ type: 'chunk', chunk });
      const answer = await answering;
      expect(answer.meta.deployment.id).toBe(frontier());
      dispatched[1].replies.push({ type: 'final', outcome, response: null });
      dispatched[1].replies.end();
      await expect(readAll(answer.parts)).resolves.toEqual({
        parts: [
          { type: 'chunk', chunk },
          { type: 'finish', outcome, completion: null },
        ],
        error: null,
      });
      expect(dispatched.map((attempt) => [attempt.request.deploymentId, attempt.request.attempt])).toEqual([
        [mini(), 0],
        [frontier(), 1],
      ]);
      expect(settle.mock.calls).toEqual([[outcome]]);
    });

    it('does not fall back once the first chunk reached the client: the stream ends with the error', async () => {
      const sut = build(admission);
      const context = contextOf(virtualKey());
      const call = await sut.resolve(request, context);
      const answering = sut.stream(request, call, context, new AbortController().signal);
      await flush();
      dispatched[0].replies.push({ type: 'chunk', chunk });
      const answer = await answering;
      dispatched[0].replies.fail(failedWith(GatewayError.upstream(503, 'overloaded'), outcome));
      const read = await readAll(answer.parts);
      expect(read.parts).toEqual([{ type: 'chunk', chunk }]);
      expect(read.error).toMatchObject({ status: 503 });
      expect(dispatched).toHaveLength(1);
      expect(settle.mock.calls).toEqual([[outcome]]);
    });

    it('cancels the attempt when the client leaves mid-stream, and settles with its last reply', async () => {
      const sut = build(admission);
      const context = contextOf(virtualKey());
      const call = await sut.resolve(request, context);
      const client = new AbortController();
      const answering = sut.stream(request, call, context, client.signal);
      await flush();
      dispatched[0].replies.push({ type: 'chunk', chunk });
      const answer = await answering;
      client.abort();
      expect(dispatched[0].cancel).toHaveBeenCalledTimes(1);
      expect(settle).not.toHaveBeenCalled();
      dispatched[0].replies.push({ type: 'final', outcome, response: null });
      dispatched[0].replies.end();
      const read = await readAll(answer.parts);
      expect(read.parts.at(-1)).toEqual({ type: 'finish', outcome, completion: null });
      expect(settle.mock.calls).toEqual([[outcome]]);
    });

    it('collects the same parts for a non-streaming call', async () => {
      const sut = build(admission);
      const context = contextOf(virtualKey());
      const call = await sut.resolve(request, context);
      const completing = sut.complete(request, call, context, new AbortController().signal);
      await flush();
      expect(dispatched[0].request.stream).toBe(false);
      dispatched[0].replies.push({ type: 'final', outcome, response: completion });
      dispatched[0].replies.end();
      await expect(completing).resolves.toMatchObject({
        completion,
        outcome,
        meta: { modelName: 'gpt-5.4-mini' },
      });
      expect(settle.mock.calls).toEqual([[outcome]]);
      expect(context.observation.upstreamMs).toBe(outcome.upstreamLatencyMs);
    });

    it('tries a deployment that is cooling down last', async () => {
      coolingDown.add(mini());
      const sut = build(admission);
      const context = contextOf(virtualKey());
      const call = await sut.resolve(request, context);
      void sut.stream(request, call, context, new AbortController().signal).catch(() => undefined);
      await flush();
      expect(dispatched[0].request.deploymentId).toBe(frontier());
      dispatched[0].replies.fail(failedWith(GatewayError.upstream(503, 'overloaded')));
      await flush();
      dispatched[1].replies.fail(failedWith(GatewayError.upstream(503, 'overloaded')));
      await flush();
      expect(dispatched.at(-1)!.request.deploymentId).toBe(mini());
    });

    it('records a refusal when every candidate failed and none recorded usage, and settles with nothing', async () => {
      const sut = build({ ...admission, permits: () => false });
      const context = contextOf(virtualKey());
      const call = await sut.resolve(request, context);
      const answering = sut.stream(request, call, context, new AbortController().signal);
      await flush();
      dispatched[0].replies.fail(failedWith(GatewayError.upstream(502, 'bad gateway')));
      await expect(answering).rejects.toMatchObject({ status: 502 });
      expect(refusals).toHaveBeenCalledWith(
        expect.objectContaining({ modelGroup: 'gpt-5.4-mini', deploymentId: mini(), stream: true }),
      );
      expect(settle.mock.calls).toEqual([[null]]);
    });

    it('records no refusal when an attempt already recorded its usage', async () => {
      const sut = build(admission);
      const context = contextOf(virtualKey());
      const call = await sut.resolve(request, context);
      const answering = sut.stream(request, call, context, new AbortController().signal);
      await flush();
      dispatched[0].replies.fail(failedWith(GatewayError.invalidRequest('bad request', null), outcome));
      await expect(answering).rejects.toMatchObject({ status: 400 });
      expect(dispatched).toHaveLength(1);
      expect(refusals).not.toHaveBeenCalled();
      expect(settle.mock.calls).toEqual([[outcome]]);
    });
  });
});
