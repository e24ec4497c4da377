import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from './config-error';
import { EnvRef } from './env-ref';
import { loadGatewayConfig, parseGatewayConfig } from './load-gateway-config';

const seedDirectory = join(__dirname, '../../../test/fixtures/seed-config');
const repoConfig = join(__dirname, '../../../config');
const seedProviders = readFileSync(join(seedDirectory, 'providers.json'), 'utf8');

function parse(yaml: string, providersText: string | undefined = seedProviders, environment = {}) {
  return parseGatewayConfig(yaml, { source: 'test.yaml', providersText, environment });
}

function problemsOf(action: () => unknown): string[] {
  try {
    action();
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const minimal = (params: string) => `
model_list:
  - model_name: a
    litellm_params:
${params}
`;

describe('loadGatewayConfig', () => {
  it('loads the seed config unchanged: 30 entries, 3 of them routers', () => {
    const sut = loadGatewayConfig({
      configPath: join(seedDirectory, 'litellm_config.yaml'),
      environment: {},
    });
    expect(sut.modelList()).toHaveLength(30);
    expect(sut.routers.map((router) => router.name)).toEqual([
      'frontier-router',
      'mistral-router',
      'opencodego-router',
    ]);
    expect(sut.deployments).toHaveLength(27);
    expect(sut.providersInUse().sort()).toEqual(['anthropic', 'gemini', 'mistral', 'openai', 'opencodego']);
    const kimi = sut.deploymentsFor('opencode-kimi-k2-6')[0];
    expect(kimi.provider.name).toBe('opencodego');
    expect(kimi.providerModel).toBe('kimi-k2.6');
    expect(kimi.prices.inputPerToken).toBeCloseTo(0.00000095, 12);
    expect(kimi.apiKey).toBeInstanceOf(EnvRef);
  });

  it('loads the demo config with the same names and every deployment on the mock provider', () => {
    const seed = loadGatewayConfig({
      configPath: join(seedDirectory, 'litellm_config.yaml'),
      environment: {},
    });
    const sut = loadGatewayConfig({
      configPath: join(repoConfig, 'demo.yaml'),
      environment: { MOCK_PROVIDER_URL: 'http://mock:4010' },
    });
    expect(sut.modelList()).toEqual(seed.modelList());
    for (const deployment of sut.deployments) {
      expect(sut.apiBaseOf(deployment)).toBe('http://mock:4010');
      expect(deployment.prices.inputPerToken).toBeGreaterThan(0);
      expect(deployment.prices.outputPerToken).toBeGreaterThan(0);
    }
  });

  it('refuses context_window_fallbacks by name instead of ignoring them, and lets an empty list pass', () => {
    const model = minimal('      model: openai/gpt-5.4-mini\n      api_key: x');
    for (const section of ['litellm_settings', 'router_settings']) {
      const problems = problemsOf(() =>
        parse(`${model}${section}:\n  context_window_fallbacks: [{a: [a]}]\n`),
      );
      expect(problems).toEqual([
        expect.stringMatching(new RegExp(`^${section}\\.context_window_fallbacks: not supported`)),
      ]);
      expect(() => parse(`${model}${section}:\n  context_window_fallbacks: []\n`)).not.toThrow();
    }
  });

  it('gives every deployment a stable id that does not depend on its key', () => {
    const first = parse(minimal('      model: openai/gpt-5.4\n      api_key: one'));
    const second = parse(minimal('      model: openai/gpt-5.4\n      api_key: two'));
    expect(first.deployments[0].id).toMatch(/^[0-9a-f]{16}$/);
    expect(first.deployments[0].id).toBe(second.deployments[0].id);
  });

  it('leaves a missing os.environ/ variable to the service that resolves it', () => {
    const sut = parse(minimal('      model: openai/gpt-5.4\n      api_key: os.environ/NOT_SET_ANYWHERE'));
    expect(() => sut.apiKeyOf(sut.deployments[0])).toThrow(
      'model_list[0].litellm_params.api_key: environment variable NOT_SET_ANYWHERE is not set',
    );
  });

  const malformed: [string, () => unknown, string][] = [
    ['bad YAML', () => parse('model_list:\n  - model_name: a\n   litellm_params: {'), 'not valid YAML'],
    [
      'unknown provider prefix',
      () => parse(minimal('      model: foo/bar')),
      'model_list[0].litellm_params.model: unknown provider "foo" (known: openai, anthropic, gemini, mistral, opencodego, opencodezen)',
    ],
    [
      'router tier naming an unknown model',
      () =>
        parse(`
model_list:
  - model_name: small
    litellm_params: { model: openai/gpt-5.4-mini }
  - model_name: r
    litellm_params:
      model: auto_router/complexity_router
      complexity_router_config:
        tiers: { SIMPLE: smal, COMPLEX: small }
`),
      'model_list[1].litellm_params.complexity_router_config.tiers.SIMPLE: router "r" names "smal", which is not a model_name in model_list (did you mean "small"?)',
    ],
    [
      'missing model_name',
      () => parse('model_list:\n  - litellm_params: { model: openai/gpt-5.4 }\n'),
      'model_list[0].model_name: required',
    ],
    [
      'a negative price',
      () => parse(minimal('      model: openai/gpt-5.4\n      input_cost_per_token: -0.1')),
      'model_list[0].litellm_params.input_cost_per_token: must not be negative',
    ],
    [
      'a price that is not a number',
      () => parse(minimal('      model: openai/gpt-5.4\n      output_cost_per_token: "cheap"')),
      'model_list[0].litellm_params.output_cost_per_token: must be a number',
    ],
    [
      'unknown providers.json field',
      () =>
        parse(
          minimal('      model: openai/gpt-5.4'),
          '{"acme": {"base_url": "https://acme.test/v1", "api_key_env": "ACME", "base_ulr": "x"}}',
        ),
      'acme.base_ulr: unknown key "base_ulr"',
    ],
    [
      'unresolvable os.environ/ in a setting the service needs',
      () => {
        const configuration = parse(
          `${minimal('      model: openai/gpt-5.4')}general_settings:\n  master_key: os.environ/NO_SUCH_MASTER_KEY\n`,
        );
        return configuration.resolve(configuration.generalSettings.master_key!);
      },
      'general_settings.master_key: environment variable NO_SUCH_MASTER_KEY is not set',
    ],
    [
      'unknown router config key',
      () =>
        parse(`
model_list:
  - model_name: small
    litellm_params: { model: openai/gpt-5.4-mini }
  - model_name: r
    litellm_params:
      model: auto_router/complexity_router
      complexity_router_config:
        tiers: { SIMPLE: small }
        tier_boundary: { simple_medium: 0.1 }
`),
      'model_list[1].litellm_params.complexity_router_config.tier_boundary: unknown key "tier_boundary" (router "r")',
    ],
    [
      'model without provider',
      () => parse(minimal('      model: gpt-5.4')),
      'model_list[0].litellm_params.model: "gpt-5.4" must be "<provider>/<model>"',
    ],
  ];

  it.each(malformed)('rejects %s with a message naming the path', (_name, action, expected) => {
    const problems = problemsOf(action);
    expect(problems.join('\n')).toContain(expected);
  });
});
