import type { FastifyRequest } from 'fastify';
import { parseGatewayConfig } from '@switchyard/config';
import type { VirtualKey } from '@switchyard/contracts';
import { requestContext } from '../http/request-context';
import { ModelInfoController } from './model-info.controller';

const configuration = parseGatewayConfig(
  `
model_list:
  - model_name: gpt-5.4-mini
    litellm_params: { model: openai/gpt-5.4-mini, api_key: test }
  - model_name: gpt-5.5
    litellm_params: { model: openai/gpt-5.5, api_key: test }
  - model_name: frontier-router
    litellm_params:
      model: auto_router/complexity_router
      complexity_router_config:
        tiers: { SIMPLE: gpt-5.4-mini, MEDIUM: gpt-5.5, COMPLEX: gpt-5.5, REASONING: gpt-5.5 }
router_settings:
  model_group_alias: { mini: gpt-5.4-mini }
`,
  { source: 'test.yaml', environment: {} },
);

function requestOf(models: string[] | null): FastifyRequest {
  const request = {} as FastifyRequest;
  const context = requestContext(request);
  context.caller =
    models === null
      ? { kind: 'master' }
      : { kind: 'virtual', keyId: 'key-1', keyHash: 'f'.repeat(64), models, key: { models } as VirtualKey };
  return request;
}

describe(ModelInfoController.name, () => {
  const sut = new ModelInfoController(configuration);
  const namesFor = (models: string[] | null) =>
    sut.info(requestOf(models)).data.map((entry) => entry.model_name);

  it('shows the master key every model and router', () => {
    expect(namesFor(null)).toEqual(['gpt-5.4-mini', 'gpt-5.5', 'frontier-router']);
  });

  it('shows a virtual key only the models of its scope, an alias standing for its target', () => {
    expect(namesFor(['gpt-5.5'])).toEqual(['gpt-5.5']);
    expect(namesFor(['mini', 'frontier-router'])).toEqual(['gpt-5.4-mini', 'frontier-router']);
  });

  it('shows a virtual key with an empty scope everything, as /v1/models does', () => {
    expect(namesFor([])).toEqual(['gpt-5.4-mini', 'gpt-5.5', 'frontier-router']);
  });
});
