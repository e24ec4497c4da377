import type Redis from 'ioredis';
import { Registry } from 'prom-client';
import { type IngressEnvironment, parseGatewayConfig } from '@switchyard/config';
import {
  type AttemptOutcome,
  type ChatCompletionRequest,
  type ClassifyDecision,
  type DispatchChatRequest,
  GatewayError,
  type VirtualKey,
} from '@switchyard/contracts';
import { IngressMetrics } from '@switchyard/telemetry';
import type { DispatchClient, DispatchHandlers } from '../dispatch/dispatch-client';
import { KeyAdmission } from '../limits/key-admission';
import type { DeploymentCooldowns } from '../routing/deployment-cooldowns';
import type { ResolvedModel, ResolveModel } from '../routing/resolve-model';
import type { AdmittedCall, CallAdmission } from './call-admission';
import type { ChatCallContext } from './chat-context';
import type { ChatResponseCache } from './chat-response-cache';
import { CompleteChat } from './complete-chat';
import type { RecordRefusal } from './record-refusal';

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
  handlers: DispatchHandlers;
  cancel: jest.Mock;
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
      chat: (_provider: string, dispatchRequest: DispatchChatRequest, handlers: DispatchHandlers) => {
        const cancel = jest.fn();
        dispatched.push({ request: dispatchRequest, handlers, cancel });
        return { cancel };
      },
    };
    return new CompleteChat(
      configuration,
      resolveModel as unknown as ResolveModel,
      dispatchClient as unknown as DispatchClient,
      { execute: () => undefined } as unknown as RecordRefusal,
      callAdmission,
      new IngressMetrics(new Registry()),
      { isCoolingDown: () => false } as unknown as DeploymentCooldowns,
      {
        lookup: async () => ({ key: null, policy: null, hit: null }),
        save: () => undefined,
      } as unknown as ChatResponseCache,
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
    dispatched[0].handlers.onError(GatewayError.upstream(503, 'overloaded'), outcome);
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
    dispatched[0].handlers.onError(GatewayError.upstream(503, 'overloaded'), outcome);
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
    dispatched[0].handlers.onError(GatewayError.upstream(503, 'overloaded'), outcome);
    dispatched[1].handlers.onError(GatewayError.upstream(503, 'overloaded'), outcome);
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
    dispatched[0].handlers.onError(GatewayError.unavailable('silent', { code: 'responder_lost' }), null);
    expect(dispatched).toHaveLength(1);
    expect(reserveAgain).toHaveBeenCalledWith(0);
    await flush();
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
    dispatched[0].handlers.onError(GatewayError.unavailable('silent', { code: 'no_responder' }), null);
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
    dispatched[0].handlers.onError(
      GatewayError.upstream(499, 'the client went away', { code: 'client_closed_request' }),
      outcome,
    );
    await expect(failure).rejects.toMatchObject({ status: 499 });
    expect(settle).toHaveBeenCalledWith(outcome);
    expect(dispatched).toHaveLength(1);
  });
});
