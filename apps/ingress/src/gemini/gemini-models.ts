import { Inject, Injectable } from '@nestjs/common';
import type { GatewayConfiguration } from '@switchyard/config';
import { GatewayError } from '@switchyard/contracts';
import { contextWindowOf } from '@switchyard/providers';
import type { Caller } from '../http/request-context';
import { GATEWAY_CONFIGURATION } from '../infrastructure/tokens';
import { callerMayCall } from '../limits/model-scope';
import type { GeminiModel } from './gemini-response';
import { modelNameOf } from './gemini-target';

/** Google's defaults when a deployment's `model_info` says nothing (Gemini 2.5's limits). */
const DEFAULT_INPUT_TOKEN_LIMIT = 1_048_576;
const DEFAULT_OUTPUT_TOKEN_LIMIT = 65_536;

/**
 * `GET /v1beta/models` in Google's `Model` shape: every chat model, router and alias of the config
 * the caller may call (a virtual key sees its scope, the master key everything), each with the
 * methods this surface serves for it.
 */
@Injectable()
export class GeminiModels {
  private readonly models: GeminiModel[];

  constructor(@Inject(GATEWAY_CONFIGURATION) private readonly configuration: GatewayConfiguration) {
    this.models = configuration
      .modelList()
      .filter(
        (item) =>
          item.kind !== 'deployment' || configuration.deploymentsFor(item.name)[0]?.mode !== 'embedding',
      )
      .map((item) => {
        const deployment = configuration.deploymentsFor(item.name)[0];
        const kind = item.kind === 'router' ? 'router' : (deployment?.provider.name ?? 'model');
        return {
          name: `models/${item.name}`,
          version: '001',
          displayName: item.name,
          description: `${item.name} on Switchyard (${kind})`,
          inputTokenLimit: (deployment && contextWindowOf(deployment)) ?? DEFAULT_INPUT_TOKEN_LIMIT,
          outputTokenLimit: deployment?.maxOutputTokens ?? DEFAULT_OUTPUT_TOKEN_LIMIT,
          supportedGenerationMethods: ['generateContent', 'streamGenerateContent', 'countTokens'],
        };
      });
  }

  list(caller: Caller | null): { models: GeminiModel[] } {
    return { models: this.visibleTo(caller) };
  }

  get(name: string, caller: Caller | null): GeminiModel {
    const id = modelNameOf(name);
    const model = this.visibleTo(caller).find((entry) => entry.name === `models/${id}`);
    if (!model) throw GatewayError.notFound(`models/${id} is not found on this gateway.`, 'model');
    return model;
  }

  private visibleTo(caller: Caller | null): GeminiModel[] {
    return this.models.filter((model) => callerMayCall(caller, modelNameOf(model.name), this.configuration));
  }
}
