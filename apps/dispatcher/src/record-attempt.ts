import { randomUUID } from 'node:crypto';
import type { UsagePublisher } from '@switchyard/bus';
import type {
  AttemptOutcome,
  DispatchAccounting,
  GatewayError,
  TokenUsage,
  UsageStatus,
} from '@switchyard/contracts';
import { emptyTokenUsage } from '@switchyard/contracts';
import { costOf } from '@switchyard/providers';
import type { ServedDeployment } from './served-deployments';

export interface AttemptRecord {
  requestId: string;
  attempt: number;
  retry: number;
  stream: boolean;
  accounting: DispatchAccounting;
  served: ServedDeployment;
  startedAt: number;
  firstTokenAt: number | null;
  usage: TokenUsage | null;
  usageEstimated: boolean;
  status: UsageStatus;
  httpStatus: number;
  error: GatewayError | null;
}

/**
 * Turns one upstream attempt into its usage event (published to JetStream, never awaited on the
 * request path) and the outcome the requester gets back.
 */
export class RecordAttempt {
  constructor(private readonly publisher: UsagePublisher) {}

  execute(record: AttemptRecord): AttemptOutcome {
    const endedAt = performance.now();
    const usage = record.usage ?? emptyTokenUsage();
    const outcome: AttemptOutcome = {
      eventId: randomUUID(),
      deploymentId: record.served.deployment.id,
      model: record.served.deployment.modelName,
      provider: record.served.target.provider,
      providerModel: record.served.target.providerModel,
      usage,
      costUsd: costOf(usage, record.served.prices),
      upstreamLatencyMs: round(endedAt - record.startedAt),
      ttftMs: record.firstTokenAt === null ? null : round(record.firstTokenAt - record.startedAt),
    };
    this.publisher.publish({
      eventId: outcome.eventId,
      requestId: record.requestId,
      attempt: record.attempt,
      retry: record.retry,
      kind: 'upstream',
      status: record.status,
      httpStatus: record.httpStatus,
      errorType: record.error?.type ?? null,
      endpoint: record.accounting.endpoint,
      stream: record.stream,
      startedAt: new Date(performance.timeOrigin + record.startedAt).toISOString(),
      modelGroup: record.accounting.modelGroup,
      model: outcome.model,
      deploymentId: outcome.deploymentId,
      provider: outcome.provider,
      providerModel: outcome.providerModel,
      route: record.accounting.route,
      tokens: usage,
      usageEstimated: record.usageEstimated,
      costUsd: outcome.costUsd,
      savedCostUsd: null,
      latencyMs: outcome.upstreamLatencyMs,
      ttftMs: outcome.ttftMs,
      keyId: record.accounting.keyId,
      sessionId: record.accounting.sessionId,
      user: record.accounting.user,
      metadata: record.accounting.metadata,
    });
    return outcome;
  }
}

function round(milliseconds: number): number {
  return Math.round(milliseconds * 1000) / 1000;
}
