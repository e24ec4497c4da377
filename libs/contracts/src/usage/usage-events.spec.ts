import { GatewayError } from '../errors/gateway-error';
import type { AttemptOutcome } from './attempt-accounting';
import { emptyTokenUsage } from './token-usage';
import { UsageEvent } from './usage-event';
import { type UsageCall, UsageEvents } from './usage-events';

const call: UsageCall = {
  requestId: 'call-1',
  endpoint: 'chat',
  stream: true,
  startedAt: performance.now() - 40,
  modelGroup: 'auto',
  route: { router: 'auto', tier: 'SIMPLE', score: 0.1, cause: 'heuristic_scorer', dimensions: {} },
  keyId: 'key-1',
  sessionId: 'session-1',
  user: 'alice',
  metadata: { team: 'docs' },
};

const outcome: AttemptOutcome = {
  eventId: '6f1c1f6e-5b59-4a4b-9d55-2c1d8e0e1a11',
  deploymentId: 'openai-mini',
  model: 'gpt-5.4-mini',
  provider: 'openai',
  providerModel: 'gpt-5.4-mini-2026-03-01',
  usage: {
    input: { total: 12, noCache: 10, cacheRead: 2, cacheWrite: 0 },
    output: { total: 7, reasoning: 3 },
  },
  costUsd: 0.0002,
  upstreamLatencyMs: 812.5,
  ttftMs: 201.25,
};

/** Every field of the call lands on the event as it was given. */
const callFields = {
  requestId: 'call-1',
  endpoint: 'chat',
  stream: true,
  modelGroup: 'auto',
  route: call.route,
  keyId: 'key-1',
  sessionId: 'session-1',
  user: 'alice',
  metadata: { team: 'docs' },
};

describe('UsageEvents', () => {
  it('builds an upstream event from the attempt and its outcome', () => {
    const sut = UsageEvents.upstream(call, {
      attempt: 1,
      retry: 2,
      status: 'error',
      httpStatus: 503,
      error: GatewayError.unavailable('down'),
      outcome,
      usageEstimated: true,
      baselineCostUsd: 0.003,
    });

    expect(UsageEvent.parse(sut)).toEqual(sut);
    expect(sut).toEqual({
      ...callFields,
      eventId: outcome.eventId,
      attempt: 1,
      retry: 2,
      kind: 'upstream',
      status: 'error',
      httpStatus: 503,
      errorType: 'api_error',
      startedAt: new Date(performance.timeOrigin + call.startedAt).toISOString(),
      model: 'gpt-5.4-mini',
      deploymentId: 'openai-mini',
      provider: 'openai',
      providerModel: 'gpt-5.4-mini-2026-03-01',
      tokens: outcome.usage,
      usageEstimated: true,
      costUsd: 0.0002,
      savedCostUsd: null,
      baselineCostUsd: 0.003,
      latencyMs: 812.5,
      ttftMs: 201.25,
    });
  });

  it('books a cache hit at no cost, saving what the answer cost when it was made', () => {
    const sut = UsageEvents.cacheHit(call, outcome);

    expect(UsageEvent.parse(sut)).toEqual(sut);
    expect(sut).toMatchObject({
      ...callFields,
      attempt: 0,
      retry: 0,
      kind: 'cache_hit',
      status: 'success',
      httpStatus: 200,
      errorType: null,
      model: 'gpt-5.4-mini',
      deploymentId: 'openai-mini',
      provider: 'openai',
      providerModel: 'gpt-5.4-mini-2026-03-01',
      tokens: outcome.usage,
      usageEstimated: false,
      costUsd: 0,
      savedCostUsd: 0.0002,
      baselineCostUsd: null,
      ttftMs: null,
    });
    expect(sut.eventId).not.toBe(outcome.eventId);
    expect(sut.latencyMs).toBeGreaterThanOrEqual(40);
  });

  it('books a refusal with the gateway status, no tokens and no cost', () => {
    const error = GatewayError.rateLimited('budget exceeded', null);

    const sut = UsageEvents.refusal(call, {
      model: 'gpt-5.4-mini',
      provider: 'gateway',
      deploymentId: null,
      error,
    });

    expect(UsageEvent.parse(sut)).toEqual(sut);
    expect(sut).toMatchObject({
      ...callFields,
      attempt: 0,
      retry: 0,
      kind: 'refusal',
      status: 'error',
      httpStatus: 429,
      errorType: error.type,
      model: 'gpt-5.4-mini',
      deploymentId: null,
      provider: 'gateway',
      providerModel: null,
      tokens: emptyTokenUsage(),
      usageEstimated: false,
      costUsd: 0,
      savedCostUsd: null,
      baselineCostUsd: null,
      ttftMs: null,
    });
    expect(sut.latencyMs).toBeGreaterThanOrEqual(40);
  });

  it('gives every event its own id', () => {
    const refused = { model: 'm', provider: 'p', deploymentId: null, error: { status: 503, type: 'x' } };

    expect(UsageEvents.refusal(call, refused).eventId).not.toBe(UsageEvents.refusal(call, refused).eventId);
  });
});
