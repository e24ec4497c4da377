import { parseGatewayConfig } from '@switchyard/config';
import { mayCall } from './model-scope';

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

describe(mayCall.name, () => {
  const sut = (scope: string[], name: string) => mayCall(scope, name, configuration);

  it('allows everything with an empty scope, "*" or all-proxy-models', () => {
    expect(sut([], 'gpt-5.5')).toBe(true);
    expect(sut(['*'], 'gpt-5.5')).toBe(true);
    expect(sut(['all-proxy-models'], 'frontier-router')).toBe(true);
  });

  it('allows the models, routers and aliases named, and nothing else', () => {
    expect(sut(['gpt-5.4-mini'], 'gpt-5.4-mini')).toBe(true);
    expect(sut(['gpt-5.4-mini'], 'gpt-5.5')).toBe(false);
    expect(sut(['frontier-router'], 'frontier-router')).toBe(true);
    expect(sut(['frontier-router'], 'gpt-5.4-mini')).toBe(false);
    expect(sut(['gpt-5.4-mini'], 'frontier-router')).toBe(false);
  });

  it('lets an alias and its target stand for each other', () => {
    expect(sut(['gpt-5.4-mini'], 'mini')).toBe(true);
    expect(sut(['mini'], 'gpt-5.4-mini')).toBe(true);
    expect(sut(['mini'], 'gpt-5.5')).toBe(false);
  });
});
