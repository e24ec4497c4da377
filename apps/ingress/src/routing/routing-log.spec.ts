import type { NatsConnection } from 'nats';
import { BusNamespace, decodeJson } from '@switchyard/bus';
import { parseGatewayConfig } from '@switchyard/config';
import { type ChatCompletionRequest, type ClassifyDecision, RoutingLogRecord } from '@switchyard/contracts';
import type { ChatCallContext } from '../http/chat-context';
import type { Caller } from '../http/request-context';
import type { ResolvedModel } from './resolve-model';
import { RoutingLog } from './routing-log';

const config = (generalSettings: string) =>
  parseGatewayConfig(
    `
model_list:
  - model_name: cheap
    litellm_params:
      model: openai/gpt-5.4-mini
  - model_name: strong
    litellm_params:
      model: openai/gpt-5.5
  - model_name: r
    litellm_params:
      model: auto_router/complexity_router
      complexity_router_config:
        tiers:
          SIMPLE: cheap
          REASONING: strong
${generalSettings}`,
    { source: 'test.yaml', environment: {} },
  );

const decision = (overrides: Partial<ClassifyDecision> = {}): ClassifyDecision => ({
  router: 'r',
  tier: 'SIMPLE',
  model: 'cheap',
  score: 0.1,
  cause: 'heuristic_scorer',
  dimensions: [{ name: 'simpleIndicators', raw: -1, weight: 0.05, matched: ['rename'] }],
  complexity: { tier: 'SIMPLE', cause: 'heuristic_scorer', model: 'cheap' },
  requestTokens: null,
  notes: [],
  ...overrides,
});

const request = (text: string): ChatCompletionRequest => ({
  model: 'r',
  messages: [{ role: 'user', content: text }],
});

const context = (caller: Caller = { kind: 'master' }, sessionId: string | null = null) =>
  ({ callId: 'call-1', caller, sessionId }) as ChatCallContext;

const virtualKey = (metadata: Record<string, unknown>): Caller =>
  ({
    kind: 'virtual',
    keyId: 'key-1',
    keyHash: 'f'.repeat(64),
    models: [],
    key: { key_id: 'key-1', team_id: 'team-1', metadata },
  }) as unknown as Caller;

describe(RoutingLog.name, () => {
  let published: { subject: string; record: unknown; msgID: string | undefined }[];
  const connection = {
    jetstream: () => ({
      publish: async (subject: string, data: Uint8Array, options?: { msgID?: string }) => {
        published.push({ subject, record: decodeJson(data), msgID: options?.msgID });
        return {};
      },
    }),
  } as unknown as NatsConnection;
  const make = (generalSettings: string) =>
    new RoutingLog(config(generalSettings), connection, new BusNamespace('t1.'));
  const routed = (model = 'cheap', routedDecision: ClassifyDecision | null = decision()): ResolvedModel => ({
    modelGroup: routedDecision === null ? model : 'r',
    modelName: model,
    deployments: [],
    decision: routedDecision,
  });
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  beforeEach(() => {
    published = [];
  });

  it('publishes nothing while routing_log is off (the default)', async () => {
    const sut = make('');
    sut.record(request('rename tmp to buffer'), routed(), context());
    await settle();
    expect(sut.enabled).toBe(false);
    expect(published).toEqual([]);
  });

  it("publishes the ask and the decision on the namespaced subject, with the retention's expiry", async () => {
    const sut = make('general_settings:\n  routing_log: true\n  routing_log_retention_days: 2\n');
    sut.record(request('rename tmp to buffer'), routed(), context(virtualKey({ team: 'x' }), 'session-1'));
    await settle();
    expect(published).toHaveLength(1);
    expect(published[0].subject).toBe('t1.usage.routing.asks.v1');
    expect(published[0].msgID).toBe('routing-log-call-1');
    const record = RoutingLogRecord.parse(published[0].record);
    expect(record).toMatchObject({
      kind: 'routed',
      requestId: 'call-1',
      router: 'r',
      tier: 'SIMPLE',
      complexityTier: 'SIMPLE',
      model: 'cheap',
      ask: 'rename tmp to buffer',
      sessionId: 'session-1',
      keyId: 'key-1',
      teamId: 'team-1',
    });
    if (record.kind !== 'routed') throw new Error('expected a routed ask');
    expect(Date.parse(record.expiresAt) - Date.parse(record.at)).toBe(2 * 24 * 3600 * 1000);
    expect(JSON.stringify(published[0].record)).not.toContain('f'.repeat(64));
  });

  it('never logs a key that opts out, a housekeeping request, or a request without an ask', async () => {
    const sut = make('general_settings:\n  routing_log: true\n');
    sut.record(request('rename tmp to buffer'), routed(), context(virtualKey({ routing_log: false })));
    sut.record(request('Generate a title'), routed('cheap', decision({ cause: 'housekeeping' })), context());
    sut.record(request('   '), routed(), context());
    await settle();
    expect(published).toEqual([]);
  });

  it("publishes a session's explicit request for a router's tier model, with that tier", async () => {
    const sut = make('general_settings:\n  routing_log: true\n');
    sut.record(request('rename tmp to buffer'), routed('strong', null), context(undefined, 'session-1'));
    sut.record(request('rename tmp to buffer'), routed('strong', null), context());
    await settle();
    expect(published).toHaveLength(1);
    expect(RoutingLogRecord.parse(published[0].record)).toMatchObject({
      kind: 'explicit',
      model: 'strong',
      tiers: [{ router: 'r', tier: 'REASONING' }],
      sessionId: 'session-1',
      ask: 'rename tmp to buffer',
    });
  });
});
