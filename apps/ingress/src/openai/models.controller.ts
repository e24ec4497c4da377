import { Controller, Get, Inject, Param, Req, UseGuards } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { GatewayConfiguration } from '@switchyard/config';
import { GatewayError } from '@switchyard/contracts';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { requestContext } from '../http/request-context';
import { GATEWAY_CONFIGURATION } from '../infrastructure/tokens';
import { callerMayCall } from '../limits/model-scope';

interface ModelObject {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

/**
 * `GET /v1/models` and `GET /v1/models/{id}` in OpenAI's list shape: every model, router and alias
 * the caller may call (a virtual key sees its scope, the master key everything).
 */
@Controller()
@UseGuards(ApiKeyGuard)
export class ModelsController {
  private readonly created = Math.floor(Date.now() / 1000);
  private readonly models: ModelObject[];

  constructor(@Inject(GATEWAY_CONFIGURATION) private readonly configuration: GatewayConfiguration) {
    this.models = configuration.modelList().map((item) => ({
      id: item.name,
      object: 'model',
      created: this.created,
      owned_by:
        item.kind === 'deployment'
          ? (configuration.deploymentsFor(item.name)[0]?.provider.name ?? 'switchyard')
          : 'switchyard',
    }));
  }

  @Get(['v1/models', 'models'])
  list(@Req() request: FastifyRequest): { object: 'list'; data: ModelObject[] } {
    return { object: 'list', data: this.visibleTo(request) };
  }

  @Get(['v1/models/:id', 'models/:id'])
  retrieve(@Param('id') id: string, @Req() request: FastifyRequest): ModelObject {
    const model = this.visibleTo(request).find((item) => item.id === id);
    if (!model) throw GatewayError.notFound(`The model "${id}" does not exist on this gateway.`, 'model');
    return model;
  }

  private visibleTo(request: FastifyRequest): ModelObject[] {
    const caller = requestContext(request).caller;
    return this.models.filter((model) => callerMayCall(caller, model.id, this.configuration));
  }
}
