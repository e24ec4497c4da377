import { Inject, Injectable } from '@nestjs/common';
import { UsagePublisher } from '@switchyard/bus';
import { type GatewayError, type RouteSummary, UsageEvents } from '@switchyard/contracts';
import { IngressMetrics } from '@switchyard/telemetry';
import type { ChatCallContext } from '../http/chat-context';

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
    this.publisher.publish(
      UsageEvents.refusal(
        {
          requestId: context.callId,
          endpoint: context.endpoint,
          stream: refusal.stream,
          startedAt: context.receivedAt,
          modelGroup: refusal.modelGroup,
          route: refusal.route,
          keyId: context.caller.kind === 'virtual' ? context.caller.keyId : null,
          sessionId: context.sessionId,
          user: context.user,
          metadata: context.metadata,
        },
        { model: refusal.model, provider: refusal.provider, deploymentId: refusal.deploymentId, error },
      ),
    );
  }
}
