import { ComplexityDecider, missingTierError, tierForScore } from './decide';
import { resolveComplexitySettings } from './complexity-settings';
import { ComplexityRouterConfig } from './router-config';

const tuned = { simpleMedium: 0.1, mediumComplex: 0.25, complexReasoning: 0.55 };

describe(tierForScore.name, () => {
  it.each([
    [-0.2, 'SIMPLE'],
    [0.09999999999999999, 'SIMPLE'],
    [0.1, 'MEDIUM'],
    [0.24999999999999997, 'MEDIUM'],
    [0.25, 'COMPLEX'],
    [0.5499999999999999, 'COMPLEX'],
    [0.55, 'REASONING'],
    [3, 'REASONING'],
  ])('%d → %s (half-open, equal goes up)', (score, tier) => {
    expect(tierForScore(score, tuned)).toBe(tier);
  });
});

describe(missingTierError.name, () => {
  it('names the router and the tier, and is not retryable', () => {
    const error = missingTierError('r', 'MEDIUM', 'it has neither default_model nor MEDIUM');
    expect(error.message).toContain('router "r" decided tier MEDIUM');
    expect(error.isRetryable).toBe(false);
  });
});

describe(ComplexityDecider.name, () => {
  const settingsOf = (config: unknown) =>
    resolveComplexitySettings('r', ComplexityRouterConfig.parse(config));

  it('leaves the tier of a missing entry in decidedTier, for affinity and capacity', () => {
    const sut = new ComplexityDecider(settingsOf({ tiers: { SIMPLE: 's' }, default_model: 'd' }));
    const outcome = sut.decide([{ role: 'user', content: 'Think carefully, step by step, about this' }]);
    expect(outcome).toMatchObject({
      decidedTier: 'REASONING',
      tier: null,
      models: ['d'],
      cause: 'default_fallback',
    });
  });

  it('refuses to be built without tiers', () => {
    expect(
      () => new ComplexityDecider({ ...settingsOf({ tiers: { SIMPLE: 's' } }), tiers: new Map() }),
    ).toThrow('router "r" has no tiers');
  });
});
