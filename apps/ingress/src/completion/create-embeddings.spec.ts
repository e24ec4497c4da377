import { Registry } from 'prom-client';
import { parseGatewayConfig } from '@switchyard/config';
import {
  type AttemptOutcome,
  type DispatchEmbedReply,
  type DispatchEmbedRequest,
  GatewayError,
  type VirtualKey,
} from '@switchyard/contracts';
import { IngressMetrics } from '@switchyard/telemetry';
import type { DispatchClient } from '../dispatch/dispatch-client';
import type { DeploymentCooldowns } from '../routing/deployment-cooldowns';
import type { ResolveModel } from '../routing/resolve-model';
import type { AdmittedCall, CallAdmission } from '../limits/call-admission';
import type { ChatCallContext } from '../http/chat-context';
import { CreateEmbeddings } from './create-embeddings';
import { FallbackPolicy } from './fallback-policy';
import type { RecordRefusal } from '../limits/record-refusal';

const configuration = parseGatewayConfig(
  `
model_list:
  - model_name: text-embedding-3-small
    litellm_params: { model: openai/text-embedding-3-small, api_key: test }
  - model_name: text-embedding-3-small
    litellm_params: { model: openai/text-embedding-3-small, api_key: test, api_base: https://second.example.com/v1 }
  - model_name: text-embedding-3-large
    litellm_params: { model: openai/text-embedding-3-large, api_key: test }
router_settings:
  fallbacks: [{ text-embedding-3-small: [text-embedding-3-large] }]
`,
  { source: 'test.yaml', environment: {} },
);
const small = configuration.deploymentsFor('text-embedding-3-small');
const large = configuration.deploymentsFor('text-embedding-3-large');

const key = { key_id: 'key-1', models: [] } as unknown as VirtualKey;

function contextOf(): ChatCallContext {
  return {
    callId: 'call-1',
    caller: { kind: 'virtual', keyId: 'key-1', keyHash: 'a', models: [], key },
    sessionId: null,
    user: null,
    metadata: null,
    observation: {},
  } as unknown as ChatCallContext;
}

const outcome = {
  eventId: '6f1c2c54-4f7b-4a5e-9d55-0c5d8c1f5a11',
  costUsd: 0.000001,
  usage: { input: { total: 2, noCache: 2, cacheRead: 0, cacheWrite: 0 }, output: { total: 0, reasoning: 0 } },
  upstreamLatencyMs: 10,
} as AttemptOutcome;

const embedded: DispatchEmbedReply = {
  type: 'final',
  outcome,
  response: { object: 'list', data: [], model: 'text-embedding-3-small' },
} as unknown as DispatchEmbedReply;

function failedWith(error: GatewayError, attemptOutcome: AttemptOutcome | null = null): DispatchEmbedReply {
  return { type: 'error', error: error.toPayload(), outcome: attemptOutcome };
}

describe(CreateEmbeddings.name, () => {
  let settle: jest.Mock;
  let reserveAgain: jest.Mock;
  let coolingDown: Set<string>;
  let sent: DispatchEmbedRequest[];

  /** the dispatcher answers each attempt with the next of `replies` (a rejection is a bus failure). */
  function build(replies: (DispatchEmbedReply | Error | (() => DispatchEmbedReply))[]): CreateEmbeddings {
    const admitted: AdmittedCall = { headers: {}, settle, reserveAgain };
    const admission: CallAdmission = {
      authorize: () => undefined,
      permits: () => true,
      admit: async () => admitted,
    };
    const resolveModel = {
      direct: (model: string) => ({
        modelGroup: model,
        modelName: model,
        deployments: [...configuration.deploymentsFor(model)],
        decision: null,
      }),
      deploymentsOf: (model: string) => [...configuration.deploymentsFor(model)],
    } as unknown as ResolveModel;
    const dispatchClient = {
      embed: async (_provider: string, request: DispatchEmbedRequest) => {
        sent.push(request);
        const reply = replies.shift();
        if (!reply) throw new Error('no reply left');
        if (reply instanceof Error) throw reply;
        return typeof reply === 'function' ? reply() : reply;
      },
    } as unknown as DispatchClient;
    const fallbacks = new FallbackPolicy(
      configuration,
      resolveModel,
      admission,
      { isCoolingDown: (id: string) => coolingDown.has(id) } as unknown as DeploymentCooldowns,
      new IngressMetrics(new Registry()),
      { execute: () => undefined } as unknown as RecordRefusal,
    );
    return new CreateEmbeddings(configuration, resolveModel, dispatchClient, admission, fallbacks);
  }

  beforeEach(() => {
    settle = jest.fn();
    reserveAgain = jest.fn(async () => true);
    coolingDown = new Set();
    sent = [];
  });

  const ask = { model: 'text-embedding-3-small', input: 'hello' };

  it("releases the call's slot and reservation when the dispatcher's reply never comes (a bus timeout)", async () => {
    const timeout = GatewayError.timeout('no reply on dispatch.openai.embed.v1 within 120000 ms');
    const sut = build([timeout, timeout, timeout]);
    await expect(sut.execute(ask, contextOf())).rejects.toBe(timeout);
    expect(settle.mock.calls).toEqual([[null]]);
  });

  it("falls back to the model's next deployment, then to its fallback model, after retryable failures", async () => {
    const sut = build([
      failedWith(GatewayError.upstream(503, 'overloaded')),
      failedWith(GatewayError.rateLimited('slow down', 1000)),
      embedded,
    ]);
    const result = await sut.execute(ask, contextOf());
    expect(sent.map((request) => [request.deploymentId, request.attempt])).toEqual([
      [small[0].id, 0],
      [small[1].id, 1],
      [large[0].id, 2],
    ]);
    expect(result.meta).toMatchObject({ modelName: 'text-embedding-3-large', deployment: large[0] });
    expect(settle.mock.calls).toEqual([[outcome]]);
  });

  it('does not fall back after a failure that is not retryable', async () => {
    const sut = build([failedWith(GatewayError.invalidRequest('bad input', 'input'), outcome), embedded]);
    await expect(sut.execute(ask, contextOf())).rejects.toMatchObject({ status: 400 });
    expect(sent).toHaveLength(1);
    expect(settle.mock.calls).toEqual([[outcome]]);
  });

  it('tries a deployment that is cooling down last', async () => {
    coolingDown.add(small[0].id);
    const sut = build([embedded]);
    await sut.execute(ask, contextOf());
    expect(sent[0].deploymentId).toBe(small[1].id);
  });

  it('dispatches to the same deployment again after its dispatcher went silent, once the budget holds it', async () => {
    const sut = build([failedWith(GatewayError.unavailable('silent', { code: 'responder_lost' })), embedded]);
    await sut.execute(ask, contextOf());
    expect(reserveAgain).toHaveBeenCalledWith(0);
    expect(sent.map((request) => [request.deploymentId, request.attempt])).toEqual([
      [small[0].id, 0],
      [small[0].id, 1],
    ]);
  });

  it('stops trying once the client left', async () => {
    const client = new AbortController();
    const sut = build([
      () => {
        client.abort();
        return failedWith(GatewayError.upstream(503, 'overloaded'));
      },
      embedded,
    ]);
    await expect(sut.execute(ask, contextOf(), client.signal)).rejects.toMatchObject({ status: 503 });
    expect(sent).toHaveLength(1);
  });
});
