import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { UsagePublisher } from '@switchyard/bus';
import type {
  AttemptOutcome,
  DispatchAccounting,
  GatewayError,
  TokenUsage,
  UsageStatus,
} from '@switchyard/contracts';
import { emptyTokenUsage, UsageEvents } from '@switchyard/contracts';
import { costOf } from '@switchyard/providers';
import { DispatcherMetrics } from '@switchyard/telemetry';
import { RouterBaselines } from './router-baselines';
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
@Injectable()
export class RecordAttempt {
  constructor(
    @Inject(UsagePublisher) private readonly publisher: UsagePublisher,
    @Inject(RouterBaselines) private readonly baselines: RouterBaselines,
    @Inject(DispatcherMetrics) private readonly metrics: DispatcherMetrics,
  ) {}

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
    const route = record.accounting.route;
    const baselineCostUsd = route ? this.baselines.baselineCost(route.router, usage) : null;
    this.observe(record, outcome, baselineCostUsd);
    this.publisher.publish(
      UsageEvents.upstream(
        {
          ...record.accounting,
          requestId: record.requestId,
          stream: record.stream,
          startedAt: record.startedAt,
        },
        {
          attempt: record.attempt,
          retry: record.retry,
          status: record.status,
          httpStatus: record.httpStatus,
          error: record.error,
          outcome,
          usageEstimated: record.usageEstimated,
          baselineCostUsd,
        },
      ),
    );
    return outcome;
  }

  private observe(record: AttemptRecord, outcome: AttemptOutcome, baselineCostUsd: number | null): void {
    const provider = outcome.provider;
    const model = outcome.model;
    const usage = outcome.usage;
    this.metrics.attempts.inc({
      provider,
      model,
      status:
        record.status === 'success'
          ? String(record.httpStatus)
          : (record.error?.code ?? String(record.httpStatus)),
    });
    this.metrics.upstreamLatency.observe(
      { provider, model, stream: String(record.stream) },
      outcome.upstreamLatencyMs / 1000,
    );
    if (outcome.ttftMs !== null)
      this.metrics.timeToFirstToken.observe({ provider, model }, outcome.ttftMs / 1000);
    const kinds: [string, number][] = [
      ['input_fresh', usage.input.noCache],
      ['input_cache_read', usage.input.cacheRead],
      ['input_cache_write', usage.input.cacheWrite],
      ['output', usage.output.total],
      ['output_reasoning', usage.output.reasoning],
    ];
    for (const [kind, count] of kinds)
      if (count > 0) this.metrics.tokens.inc({ provider, model, kind }, count);
    if (outcome.costUsd !== null && outcome.costUsd > 0)
      this.metrics.spend.inc({ provider, model }, outcome.costUsd);
    const route = record.accounting.route;
    if (route && outcome.costUsd !== null) {
      this.metrics.routerSpend.inc({ router: route.router, tier: route.tier ?? 'none' }, outcome.costUsd);
      if (baselineCostUsd !== null)
        this.metrics.routerBaselineSpend.inc({ router: route.router }, baselineCostUsd);
    }
  }
}

function round(milliseconds: number): number {
  return Math.round(milliseconds * 1000) / 1000;
}
