import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import { BusNamespace, decodeJson, encodeJson, outgoingHeaders } from '@switchyard/bus';
import type { Deployment } from '@switchyard/config';
import { DispatchProbeReply, Subjects } from '@switchyard/contracts';
import { BUS_CONNECTION } from '../infrastructure/tokens';
import type { ProbeRecord } from './health-report';

/** The dispatcher gives up on the upstream after 15 s (connect + first byte); this covers it. */
const PROBE_REPLY_TIMEOUT_MS = 20_000;

/** The gateway's own reasons a probe found no answer (the provider was never asked). */
export const ProbeFailureCodes = {
  noDispatcher: 'no_dispatcher',
  dispatcherTimeout: 'dispatcher_timeout',
  invalidReply: 'invalid_probe_reply',
} as const;

/** Asks a dispatcher of the deployment's provider to probe it (`dispatch.<provider>.probe.v1`). */
@Injectable()
export class ProbeClient {
  constructor(
    @Inject(BUS_CONNECTION) private readonly connection: NatsConnection,
    @Inject(BusNamespace) private readonly namespace: BusNamespace,
  ) {}

  async probe(deployment: Deployment): Promise<ProbeRecord> {
    const provider = deployment.provider.name;
    const requestId = `health-${randomUUID()}`;
    const failure = (message: string, code: string, status: number): ProbeRecord => ({
      status: 'unhealthy',
      checkedAt: new Date(),
      latencyMs: null,
      probe: null,
      error: { message, code, status },
    });
    let reply;
    try {
      reply = await this.connection.request(
        this.namespace.subject(Subjects.dispatchProbe(provider)),
        encodeJson({ requestId, deploymentId: deployment.id }),
        { timeout: PROBE_REPLY_TIMEOUT_MS, headers: outgoingHeaders(requestId) },
      );
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === '503') {
        return failure(
          `no dispatcher serves provider ${provider}; is dispatcher-${provider} running?`,
          ProbeFailureCodes.noDispatcher,
          503,
        );
      }
      if (code === 'TIMEOUT') {
        return failure(
          `the ${provider} dispatcher did not answer the probe within ${PROBE_REPLY_TIMEOUT_MS / 1000} s`,
          ProbeFailureCodes.dispatcherTimeout,
          504,
        );
      }
      return failure(`probe of ${provider} failed on the bus: ${(error as Error).message}`, 'bus_error', 503);
    }
    let decoded: unknown;
    try {
      decoded = decodeJson(reply.data);
    } catch {
      decoded = undefined;
    }
    const parsed = DispatchProbeReply.safeParse(decoded);
    if (!parsed.success) {
      return failure(
        `the ${provider} dispatcher sent an invalid probe reply`,
        ProbeFailureCodes.invalidReply,
        502,
      );
    }
    const result = parsed.data;
    if (result.status === 'healthy') {
      return {
        status: 'healthy',
        checkedAt: new Date(),
        latencyMs: result.latencyMs,
        probe: result.probe,
        error: null,
      };
    }
    return {
      status: 'unhealthy',
      checkedAt: new Date(),
      latencyMs: result.latencyMs,
      probe: result.probe,
      error: { message: result.error.message, code: result.error.code, status: result.error.status },
    };
  }
}
