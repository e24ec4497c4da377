import { Inject, Injectable } from '@nestjs/common';
import type { GatewayError } from '@switchyard/contracts';
import { DispatcherMetrics } from '@switchyard/telemetry';
import { CooldownTracker } from './cooldown';
import type { AttemptListener } from './dispatch-chat';
import type { ServedDeployment } from './served-deployments';

/**
 * What the dispatcher does with its attempts beyond the request: a failure counts toward the
 * deployment's cooldown, a retry is counted by provider and reason. The chat and native Responses
 * use cases share it (`ATTEMPT_LISTENER`).
 */
@Injectable()
export class ObserveAttempts implements AttemptListener {
  constructor(
    @Inject(CooldownTracker) private readonly cooldowns: CooldownTracker,
    @Inject(DispatcherMetrics) private readonly metrics: DispatcherMetrics,
  ) {}

  onAttemptFailed(served: ServedDeployment, error: GatewayError): void {
    this.cooldowns.onAttemptFailed(served, error);
  }

  onRetry(served: ServedDeployment, error: GatewayError): void {
    this.metrics.retries.inc({
      provider: served.target.provider,
      reason: error.code ?? String(error.status),
    });
  }
}
