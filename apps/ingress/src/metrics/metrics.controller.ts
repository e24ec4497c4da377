import { Controller, Get, Header, Inject, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';
import type { GatewayConfiguration } from '@switchyard/config';
import { metricsOf } from '@switchyard/telemetry';
import { GatewayError } from '@switchyard/contracts';
import { extractApiKey } from '../auth/extract-api-key';
import { MasterKey } from '../auth/master-key';
import { GATEWAY_CONFIGURATION, METRICS_SOURCES } from '../infrastructure/tokens';

/**
 * `GET /metrics` in Prometheus' text format (the ingress's registry, and in the one-process mode
 * every module's); the master key is required when `require_auth_for_metrics_endpoint` is set.
 */
@Controller()
export class MetricsController {
  private readonly requireAuth: boolean;

  constructor(
    @Inject(METRICS_SOURCES) private readonly registries: Registry[],
    @Inject(MasterKey) private readonly masterKey: MasterKey,
    @Inject(GATEWAY_CONFIGURATION) configuration: GatewayConfiguration,
  ) {
    this.requireAuth = configuration.generalSettings.require_auth_for_metrics_endpoint === true;
  }

  @Get('metrics')
  @Header('cache-control', 'no-store')
  async metrics(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    if (this.requireAuth) {
      const key = extractApiKey(request);
      if (key === null || !this.masterKey.matches(key))
        throw GatewayError.unauthorized('/metrics needs the master key.');
    }
    await reply.header('content-type', this.registries[0].contentType).send(await metricsOf(this.registries));
  }
}
