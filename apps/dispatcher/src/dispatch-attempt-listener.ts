import { Inject, Injectable } from '@nestjs/common';
import type { GatewayError } from '@switchyard/contracts';
import { DispatcherMetrics } from '@switchyard/telemetry';
import { CooldownTracker } from './cooldown';
import type { AttemptListener } from './dispatch-chat';
import type { ServedDeployment } from './served-deployments';

/** What the service does with `DispatchChat`'s attempts: failures feed cooldowns, retries are counted. */
@Injectable()
export class DispatchAttemptListener implements AttemptListener {
  constructor(
    @Inject(CooldownTracker) private readonly cooldowns: CooldownTracker,
    @Inject(DispatcherMetrics) private readonly metrics: DispatcherMetrics,
  ) {}

  onAttemptFailed(deployment: ServedDeployment, error: GatewayError): void {
    this.cooldowns.onAttemptFailed(deployment, error);
  }

  onRetry(deployment: ServedDeployment, error: GatewayError): void {
    this.metrics.retries.inc({
      provider: deployment.target.provider,
      reason: error.code ?? String(error.status),
    });
  }
}
