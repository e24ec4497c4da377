import { parseGatewayConfig } from '@switchyard/config';
import { buildOpenCodeConfig, OpenCodeConfigError } from './build-opencode-config';

const configuration = parseGatewayConfig(
  `
model_list:
  - model_name: cheap
    litellm_params: { model: openai/gpt-5.4-mini, api_key: k }
  - model_name: smart-router
    litellm_params:
      model: auto_router/complexity_router
      complexity_router_config:
        tiers: { SIMPLE: cheap, COMPLEX: [strong, cheap] }
  - model_name: strong
    litellm_params: { model: anthropic/claude-opus-4-8, api_key: k }
  - model_name: strong
    litellm_params: { model: anthropic/claude-opus-4-8, api_key: k2, api_base: "http://second.test" }
  - model_name: embedder
    litellm_params: { model: openai/text-embedding-3-small, api_key: k }
    model_info: { mode: embedding }
router_settings:
  model_group_alias:
    fast: cheap
    secret-alias: { model: strong, hidden: true }
`,
  { source: 'opencode-test.yaml', environment: {} },
);

describe(buildOpenCodeConfig.name, () => {
  it('lists routers first, then chat models and visible aliases, once each, without embedding models', () => {
    const sut = buildOpenCodeConfig(configuration, { gatewayUrl: 'http://127.0.0.1:4000/' });

    const provider = sut.provider['litellm-local'];
    expect(Object.keys(provider.models)).toEqual(['smart-router', 'cheap', 'strong', 'fast']);
    expect(provider.models['smart-router'].name).toBe('smart-router (router: cheap → strong | cheap)');
    expect(provider.options).toEqual({
      baseURL: 'http://127.0.0.1:4000/v1',
      apiKey: '{env:LITELLM_API_KEY}',
    });
    expect(provider.npm).toBe('@ai-sdk/openai-compatible');
    expect(sut.$schema).toBe('https://opencode.ai/config.json');
    expect(sut.model).toBe('litellm-local/smart-router');
    expect(sut.small_model).toBe('litellm-local/smart-router');
  });

  it('uses the provider name, model and small model asked for', () => {
    const sut = buildOpenCodeConfig(configuration, {
      gatewayUrl: 'https://gw.test',
      providerName: 'switchyard',
      model: 'strong',
      smallModel: 'cheap',
    });

    expect(Object.keys(sut.provider)).toEqual(['switchyard']);
    expect(sut.model).toBe('switchyard/strong');
    expect(sut.small_model).toBe('switchyard/cheap');
  });

  it('refuses a provider name OpenCode cannot address and a model it does not list', () => {
    expect(() => buildOpenCodeConfig(configuration, { gatewayUrl: 'http://x', providerName: 'a/b' })).toThrow(
      OpenCodeConfigError,
    );
    expect(() => buildOpenCodeConfig(configuration, { gatewayUrl: 'http://x', model: 'embedder' })).toThrow(
      /"embedder" is not a chat model or router/,
    );
  });

  it('defaults to the first chat model when the config has no router', () => {
    const noRouters = parseGatewayConfig(
      'model_list:\n  - model_name: only\n    litellm_params: { model: openai/gpt-5.4, api_key: k }\n',
      { source: 'no-routers.yaml', environment: {} },
    );

    const sut = buildOpenCodeConfig(noRouters, { gatewayUrl: 'http://x' });

    expect(sut.model).toBe('litellm-local/only');
  });
});
