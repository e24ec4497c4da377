import { Controller, Get, Inject, Param, UseGuards } from '@nestjs/common';
import type { GatewayConfiguration } from '@switchyard/config';
import { GatewayError } from '@switchyard/contracts';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { GATEWAY_CONFIGURATION } from '../infrastructure/tokens';

interface ModelObject {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

/** `GET /v1/models` and `GET /v1/models/{id}` in OpenAI's list shape: every model, router and alias. */
@Controller()
@UseGuards(ApiKeyGuard)
export class ModelsController {
  private readonly created = Math.floor(Date.now() / 1000);
  private readonly models: ModelObject[];

  constructor(@Inject(GATEWAY_CONFIGURATION) configuration: GatewayConfiguration) {
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
  list(): { object: 'list'; data: ModelObject[] } {
    return { object: 'list', data: this.models };
  }

  @Get(['v1/models/:id', 'models/:id'])
  retrieve(@Param('id') id: string): ModelObject {
    const model = this.models.find((item) => item.id === id);
    if (!model) throw GatewayError.notFound(`The model "${id}" does not exist on this gateway.`, 'model');
    return model;
  }
}
