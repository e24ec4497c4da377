import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { UsagePublisher } from '@switchyard/bus';
import { emptyTokenUsage, type GatewayError, type RouteSummary } from '@switchyard/contracts';
import { IngressMetrics } from '@switchyard/telemetry';
import type { ChatCallContext } from './chat-context';

export interface Refusal {
  context: ChatCallContext;
  modelGroup: string;
  model: string;
  provider: string;
  deploymentId: string | null;
  stream: boolean;
  route: RouteSummary | null;
  error: GatewayError;
}

/**
 * A usage event for a call that failed without any upstream attempt recording one (no dispatcher,
 * bus failure, budget or rate refusal), so every call the gateway accepted leaves a row.
 */
@Injectable()
export class RecordRefusal {
  constructor(
    @Inject(UsagePublisher) private readonly publisher: UsagePublisher,
    @Inject(IngressMetrics) private readonly metrics: IngressMetrics,
  ) {}

  execute(refusal: Refusal): void {
    const { context, error } = refusal;
    this.metrics.refusals.inc({ reason: error.code ?? error.type });
    this.publisher.publish({
      eventId: randomUUID(),
      requestId: context.callId,
      attempt: 0,
      retry: 0,
      kind: 'refusal',
      status: 'error',
      httpStatus: error.status,
      errorType: error.type,
      endpoint: context.endpoint,
      stream: refusal.stream,
      startedAt: new Date(performance.timeOrigin + context.receivedAt).toISOString(),
      modelGroup: refusal.modelGroup,
      model: refusal.model,
      deploymentId: refusal.deploymentId,
      provider: refusal.provider,
      providerModel: null,
      route: refusal.route,
      tokens: emptyTokenUsage(),
      usageEstimated: false,
      costUsd: 0,
      savedCostUsd: null,
      baselineCostUsd: null,
      latencyMs: Math.max(0, performance.now() - context.receivedAt),
      ttftMs: null,
      keyId: context.caller.kind === 'virtual' ? context.caller.keyId : null,
      sessionId: context.sessionId,
      user: context.user,
      metadata: context.metadata,
    });
  }
}
