import { Controller, Get, Inject, Req, UseGuards } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Deployment, GatewayConfiguration } from '@switchyard/config';
import { contextWindowOf, pricesOf } from '@switchyard/providers';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { requestContext } from '../http/request-context';
import { GATEWAY_CONFIGURATION } from '../infrastructure/tokens';
import { callerMayCall } from '../limits/model-scope';

interface ModelInfoEntry {
  model_name: string;
  litellm_params: Record<string, unknown>;
  model_info: Record<string, unknown>;
}

/**
 * `GET /v1/model/info` (LiteLLM's shape): every deployment with its provider, mode, prices and
 * context window, and every router with its tiers. Keys and credentials are never included. A
 * virtual key sees only the models and routers in its scope, as on `/v1/models`.
 */
@Controller()
@UseGuards(ApiKeyGuard)
export class ModelInfoController {
  private readonly entries: ModelInfoEntry[];

  constructor(@Inject(GATEWAY_CONFIGURATION) private readonly configuration: GatewayConfiguration) {
    const deployments = configuration.deployments.map((deployment) => ({
      index: deployment.index,
      entry: describeDeployment(deployment),
    }));
    const routers = configuration.routers.map((router) => ({
      index: router.index,
      entry: {
        model_name: router.name,
        litellm_params: { model: 'auto_router/complexity_router', complexity_router_config: router.config },
        model_info: {
          mode: 'chat',
          router: true,
          tiers: router.config.tiers,
          disable_background_health_check: router.modelInfo.disable_background_health_check ?? false,
        },
      },
    }));
    this.entries = [...deployments, ...routers]
      .sort((left, right) => left.index - right.index)
      .map((item) => item.entry);
  }

  @Get(['v1/model/info', 'model/info'])
  info(@Req() request: FastifyRequest): { data: ModelInfoEntry[] } {
    const caller = requestContext(request).caller;
    return {
      data: this.entries.filter((entry) => callerMayCall(caller, entry.model_name, this.configuration)),
    };
  }
}

function describeDeployment(deployment: Deployment): ModelInfoEntry {
  const prices = pricesOf(deployment);
  return {
    model_name: deployment.modelName,
    litellm_params: { model: deployment.litellmModel },
    model_info: {
      id: deployment.id,
      mode: deployment.mode,
      litellm_provider: deployment.provider.name,
      provider_model: deployment.providerModel,
      max_input_tokens: contextWindowOf(deployment),
      max_output_tokens: deployment.maxOutputTokens,
      input_cost_per_token: prices?.inputPerToken ?? null,
      output_cost_per_token: prices?.outputPerToken ?? null,
      cache_read_input_token_cost: prices?.cacheReadPerToken ?? null,
      cache_creation_input_token_cost: prices?.cacheWritePerToken ?? null,
      disable_background_health_check: deployment.healthCheckDisabled,
    },
  };
}
