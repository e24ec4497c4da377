import { Controller, Get, Inject, Query, Req, UseGuards } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { GatewayConfiguration, IngressEnvironment } from '@switchyard/config';
import { GatewayError } from '@switchyard/contracts';
import { MasterKeyGuard } from '../auth/api-key.guard';
import { GATEWAY_CONFIGURATION, INGRESS_ENVIRONMENT } from '../infrastructure/tokens';
import { buildOpenCodeConfig, type OpenCodeConfig, OpenCodeConfigError } from './build-opencode-config';
import { gatewayUrlOf } from './gateway-url';

/**
 * `GET /integrations/opencode` (master key): an `opencode.json` that points OpenCode at this
 * gateway, listing every router and chat model of the running config. Query: `provider` (the
 * provider's name in OpenCode, default `litellm-local`), `model`, `small_model`.
 */
@Controller('integrations')
@UseGuards(MasterKeyGuard)
export class OpenCodeController {
  constructor(
    @Inject(GATEWAY_CONFIGURATION) private readonly configuration: GatewayConfiguration,
    @Inject(INGRESS_ENVIRONMENT) private readonly environment: IngressEnvironment,
  ) {}

  @Get('opencode')
  openCode(
    @Req() request: FastifyRequest,
    @Query('provider') provider?: string,
    @Query('model') model?: string,
    @Query('small_model') smallModel?: string,
  ): OpenCodeConfig {
    try {
      return buildOpenCodeConfig(this.configuration, {
        gatewayUrl: gatewayUrlOf(request, this.environment.PORT),
        providerName: provider || undefined,
        model: model || undefined,
        smallModel: smallModel || undefined,
      });
    } catch (error) {
      if (error instanceof OpenCodeConfigError) throw GatewayError.invalidRequest(error.message);
      throw error;
    }
  }
}
