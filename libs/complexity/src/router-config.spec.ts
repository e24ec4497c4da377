import { ConfigError, parseGatewayConfig } from '@switchyard/config';
import { ComplexityRouterConfig, referencedModels } from './router-config';

/** The problems a gateway config with one router (and two models) fails with. */
function problemsOf(routerConfig: string): string[] {
  const yaml = `
model_list:
  - model_name: small
    litellm_params: { model: openai/gpt-5.4-mini }
  - model_name: large
    litellm_params: { model: openai/gpt-5.5 }
  - model_name: my-router
    litellm_params:
      model: auto_router/complexity_router
      complexity_router_config:
${routerConfig
  .trim()
  .split('\n')
  .map((line) => `        ${line}`)
  .join('\n')}
`;
  try {
    parseGatewayConfig(yaml, { source: 'test.yaml', environment: {} });
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('ComplexityRouterConfig', () => {
  it('accepts the seed routers and every documented key', () => {
    expect(problemsOf('tiers: { SIMPLE: small, COMPLEX: large }')).toEqual([]);
    const everything = ComplexityRouterConfig.safeParse({
      tiers: { SIMPLE: 'small', MEDIUM: ['small', 'large'], COMPLEX: 'large', REASONING: 'large' },
      dimension_weights: { tokenCount: 0, codePresence: 0.3 },
      tier_boundaries: { simple_medium: 0.1, medium_complex: 0.25, complex_reasoning: 0.55 },
      token_thresholds: { simple: 10, complex: 300 },
      reasoning_override_min_score: 0.2,
      default_model: 'small',
      code_keywords: ['fn'],
      reasoning_keywords: ['why'],
      technical_keywords: ['rpc'],
      simple_keywords: ['hi'],
      escalation_keywords: ['ESCALATE'],
      route_housekeeping_to_cheapest_tier: false,
      score_system_prompt: true,
      housekeeping_patterns: [
        { user_contains: 'title' },
        { system_starts_with: 'You are a title generator' },
      ],
      session_affinity: true,
    });
    expect(everything.success).toBe(true);
  });

  it('rejects an unknown tier name, naming the router and the key', () => {
    expect(problemsOf('tiers: { SIMPLE: small, HARD: large }')).toEqual([
      'model_list[2].litellm_params.complexity_router_config.tiers.HARD: unknown key "HARD" (router "my-router"); remove it or fix its spelling',
    ]);
  });

  it('rejects an unknown key, naming the router and the key', () => {
    expect(problemsOf('tiers: { SIMPLE: small }\nscore_system_prompts: true')).toEqual([
      'model_list[2].litellm_params.complexity_router_config.score_system_prompts: unknown key "score_system_prompts" (router "my-router"); remove it or fix its spelling',
    ]);
  });

  it('rejects an unknown dimension and an unknown boundary', () => {
    const problems = problemsOf(
      'tiers: { SIMPLE: small }\ndimension_weights: { codeSmell: 0.2 }\ntier_boundaries: { simple_complex: 0.2 }',
    );
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain(
      'dimension_weights.codeSmell: unknown key "codeSmell" (router "my-router")',
    );
    expect(problems[1]).toContain(
      'tier_boundaries.simple_complex: unknown key "simple_complex" (router "my-router")',
    );
  });

  it('rejects an empty pool and a router without tiers', () => {
    expect(problemsOf('tiers: { SIMPLE: [] }')).toEqual([
      'model_list[2].litellm_params.complexity_router_config.tiers.SIMPLE: an empty pool names no model (router "my-router")',
    ]);
    expect(problemsOf('tiers: {}')).toEqual([
      'model_list[2].litellm_params.complexity_router_config.tiers: a router needs at least one tier (router "my-router")',
    ]);
  });

  it('rejects a housekeeping pattern with an unknown or a second key', () => {
    expect(
      ComplexityRouterConfig.safeParse({ tiers: { SIMPLE: 'a' }, housekeeping_patterns: [{ contains: 'x' }] })
        .success,
    ).toBe(false);
    expect(
      ComplexityRouterConfig.safeParse({
        tiers: { SIMPLE: 'a' },
        housekeeping_patterns: [{ user_contains: 'x', system_starts_with: 'y' }],
      }).success,
    ).toBe(false);
  });

  it('rejects a tier naming a model that is not in model_list (checked by the loader)', () => {
    expect(problemsOf('tiers: { SIMPLE: [small, tiny] }')).toEqual([
      'model_list[2].litellm_params.complexity_router_config.tiers.SIMPLE[1]: router "my-router" names "tiny", which is not a model_name in model_list',
    ]);
  });
});

describe(referencedModels.name, () => {
  it('lists every pool member and the default model with its path', () => {
    expect(
      referencedModels(
        ComplexityRouterConfig.parse({ tiers: { SIMPLE: ['a', 'b'], COMPLEX: 'c' }, default_model: 'd' }),
      ),
    ).toEqual([
      { path: 'tiers.SIMPLE[0]', model: 'a' },
      { path: 'tiers.SIMPLE[1]', model: 'b' },
      { path: 'tiers.COMPLEX', model: 'c' },
      { path: 'default_model', model: 'd' },
    ]);
  });
});
