import { randomUUID } from 'node:crypto';
import type { AttemptOutcome, DispatchAccounting } from './attempt-accounting';
import { emptyTokenUsage } from './token-usage';
import type { UsageEvent, UsageStatus } from './usage-event';

/** What every usage event of one call repeats: who called, for what, and when it began. */
export interface UsageCall extends DispatchAccounting {
  requestId: string;
  stream: boolean;
  /**
   * `performance.now()` when the upstream attempt began (upstream events), or when the call reached
   * the gateway (cache hits and refusals, whose latency runs until the event is built).
   */
  startedAt: number;
}

/** One upstream attempt as the dispatcher finished it. */
export interface UpstreamAttempt {
  /** which dispatch of the call (0, then fallbacks) and which retry of it against one deployment. */
  attempt: number;
  retry: number;
  status: UsageStatus;
  httpStatus: number;
  error: { type: string } | null;
  outcome: AttemptOutcome;
  /** the provider reported no usage and the gateway counted it. */
  usageEstimated: boolean;
  baselineCostUsd: number | null;
}

/** A call that failed without any upstream attempt recording a usage event. */
export interface RefusedCall {
  model: string;
  provider: string;
  deploymentId: string | null;
  error: { status: number; type: string };
}

type EventOwnFields = Omit<UsageEvent, keyof UsageCall | 'startedAt'>;

function usageEvent(call: UsageCall, own: EventOwnFields): UsageEvent {
  return {
    requestId: call.requestId,
    endpoint: call.endpoint,
    stream: call.stream,
    startedAt: new Date(performance.timeOrigin + call.startedAt).toISOString(),
    modelGroup: call.modelGroup,
    route: call.route,
    keyId: call.keyId,
    sessionId: call.sessionId,
    user: call.user,
    metadata: call.metadata,
    ...own,
  };
}

/** The deployment that answered, as its attempt recorded it. */
function answeredBy(outcome: AttemptOutcome) {
  return {
    model: outcome.model,
    deploymentId: outcome.deploymentId,
    provider: outcome.provider,
    providerModel: outcome.providerModel,
    tokens: outcome.usage,
  };
}

type GatewayOwnFields = Pick<
  UsageEvent,
  'kind' | 'status' | 'httpStatus' | 'errorType' | 'model' | 'deploymentId' | 'provider' | 'providerModel'
> &
  Partial<Pick<UsageEvent, 'tokens' | 'savedCostUsd'>>;

/** An event the ingress records without an upstream attempt: it costs nothing and lasts until now. */
function gatewayEvent(call: UsageCall, own: GatewayOwnFields): UsageEvent {
  return usageEvent(call, {
    eventId: randomUUID(),
    attempt: 0,
    retry: 0,
    tokens: emptyTokenUsage(),
    usageEstimated: false,
    costUsd: 0,
    savedCostUsd: null,
    baselineCostUsd: null,
    latencyMs: Math.max(0, performance.now() - call.startedAt),
    ttftMs: null,
    ...own,
  });
}

/**
 * The three kinds of usage event, built in one place: the dispatcher's `upstream` attempt, the
 * ingress's `cacheHit` (cost 0, the saved cost is what the answer cost when it was made) and
 * `refusal` (no upstream attempt: no dispatcher, a bus failure, a budget or rate limit).
 */
export const UsageEvents = {
  upstream(call: UsageCall, attempt: UpstreamAttempt): UsageEvent {
    const { outcome } = attempt;
    return usageEvent(call, {
      eventId: outcome.eventId,
      attempt: attempt.attempt,
      retry: attempt.retry,
      kind: 'upstream',
      status: attempt.status,
      httpStatus: attempt.httpStatus,
      errorType: attempt.error?.type ?? null,
      ...answeredBy(outcome),
      usageEstimated: attempt.usageEstimated,
      costUsd: outcome.costUsd,
      savedCostUsd: null,
      baselineCostUsd: attempt.baselineCostUsd,
      latencyMs: outcome.upstreamLatencyMs,
      ttftMs: outcome.ttftMs,
    });
  },

  cacheHit(call: UsageCall, cached: AttemptOutcome): UsageEvent {
    return gatewayEvent(call, {
      kind: 'cache_hit',
      status: 'success',
      httpStatus: 200,
      errorType: null,
      ...answeredBy(cached),
      savedCostUsd: cached.costUsd,
    });
  },

  refusal(call: UsageCall, refused: RefusedCall): UsageEvent {
    return gatewayEvent(call, {
      kind: 'refusal',
      status: 'error',
      httpStatus: refused.error.status,
      errorType: refused.error.type,
      model: refused.model,
      deploymentId: refused.deploymentId,
      provider: refused.provider,
      providerModel: null,
    });
  },
};
