import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { NO_SUBSCRIBERS, type ProviderRequester } from '@switchyard/bus';
import type { Deployment } from '@switchyard/config';
import { GatewayError } from '@switchyard/contracts';
import { PROVIDER_REQUESTER } from '../infrastructure/tokens';
import type { ProbeRecord } from './health-report';

/** The dispatcher gives up on the upstream after 15 s (connect + first byte); this covers it. */
const PROBE_REPLY_TIMEOUT_MS = 20_000;

/** The gateway's own reasons a probe found no answer (the provider was never asked). */
export const ProbeFailureCodes = {
  noDispatcher: NO_SUBSCRIBERS,
  dispatcherTimeout: 'timeout',
  invalidReply: 'invalid_bus_reply',
} as const;

/** Asks a dispatcher of the deployment's provider to probe it (`dispatch.<provider>.probe.v1`). */
@Injectable()
export class ProbeClient {
  constructor(@Inject(PROVIDER_REQUESTER) private readonly providers: ProviderRequester) {}

  async probe(deployment: Deployment): Promise<ProbeRecord> {
    const requestId = `health-${randomUUID()}`;
    let result;
    try {
      result = await this.providers.request(
        deployment.provider.name,
        'probe',
        { requestId, deploymentId: deployment.id },
        { timeoutMs: PROBE_REPLY_TIMEOUT_MS, requestId },
      );
    } catch (error) {
      const failure = error instanceof GatewayError ? error : GatewayError.unavailable(String(error));
      return {
        status: 'unhealthy',
        checkedAt: new Date(),
        latencyMs: null,
        probe: null,
        error: { message: failure.message, code: failure.code, status: failure.status },
      };
    }
    return {
      status: result.status,
      checkedAt: new Date(),
      latencyMs: result.latencyMs,
      probe: result.probe,
      error:
        result.status === 'healthy'
          ? null
          : { message: result.error.message, code: result.error.code, status: result.error.status },
    };
  }
}
