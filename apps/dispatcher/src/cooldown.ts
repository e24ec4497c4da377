import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { BusClient } from '@switchyard/bus';
import type { GatewayConfiguration } from '@switchyard/config';
import { type GatewayError, Subjects } from '@switchyard/contracts';
import { DispatcherMetrics } from '@switchyard/telemetry';
import type { ServedDeployment } from './served-deployments';
import { GATEWAY_CONFIGURATION, REDIS } from './tokens';

/** LiteLLM's defaults: three failures in a minute cool a deployment down for five seconds. */
const DEFAULT_ALLOWED_FAILS = 3;
const DEFAULT_COOLDOWN_SECONDS = 5;
const FAILURE_WINDOW_SECONDS = 60;

export const cooldownKeys = {
  until: (deploymentId: string) => `cooldown:until:${deploymentId}`,
  fails: (deploymentId: string) => `cooldown:fails:${deploymentId}`,
};

/**
 * Counts a deployment's failures across every dispatcher replica (Redis) and, past
 * `allowed_fails` in a minute, cools it down for `cooldown_time`: the state is a Redis key that
 * expires by itself, announced on `deployments.cooldown.v1` so each ingress skips the deployment
 * without asking Redis on every request. Failures that say nothing about the deployment (a bad
 * request, a client that left) do not count.
 */
@Injectable()
export class CooldownTracker {
  private readonly logger = new Logger(CooldownTracker.name);
  private readonly allowedFails: number;
  private readonly cooldownMs: number;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(BusClient) private readonly bus: BusClient,
    @Inject(GATEWAY_CONFIGURATION) configuration: GatewayConfiguration,
    @Inject(DispatcherMetrics) private readonly metrics: DispatcherMetrics,
  ) {
    this.allowedFails =
      configuration.routerSettings.allowed_fails ??
      configuration.litellmSettings.allowed_fails ??
      DEFAULT_ALLOWED_FAILS;
    this.cooldownMs =
      (configuration.routerSettings.cooldown_time ??
        configuration.litellmSettings.cooldown_time ??
        DEFAULT_COOLDOWN_SECONDS) * 1000;
  }

  onAttemptFailed(served: ServedDeployment, error: GatewayError): void {
    if (!countsAgainstDeployment(error) || this.cooldownMs === 0) return;
    this.recordFailure(served, error).catch((failure: unknown) =>
      this.logger.warn(
        `could not record a failure of ${served.deployment.id}: ${(failure as Error).message}`,
      ),
    );
  }

  private async recordFailure(served: ServedDeployment, error: GatewayError): Promise<void> {
    const id = served.deployment.id;
    const fails = await this.redis.incr(cooldownKeys.fails(id));
    if (fails === 1) await this.redis.expire(cooldownKeys.fails(id), FAILURE_WINDOW_SECONDS);
    if (fails <= this.allowedFails) return;
    const reason = `${fails} failures within ${FAILURE_WINDOW_SECONDS}s, last: ${error.status} ${error.code ?? error.type}`;
    const started = await this.redis.set(cooldownKeys.until(id), reason, 'PX', this.cooldownMs, 'NX');
    if (started !== 'OK') return;
    await this.redis.del(cooldownKeys.fails(id));
    this.metrics.cooldowns.inc({ provider: served.target.provider, deployment: id });
    this.logger.warn(
      `cooling down ${served.deployment.modelName} (${id}) for ${this.cooldownMs} ms: ${reason}`,
    );
    this.bus.publishEvent(Subjects.deploymentCooldown, {
      deploymentId: id,
      until: Date.now() + this.cooldownMs,
      reason,
    });
  }
}

function countsAgainstDeployment(error: GatewayError): boolean {
  if (error.code === 'client_closed_request') return false;
  return error.isRetryable || error.status === 401 || error.status === 403;
}
