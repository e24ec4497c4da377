import {
  DEFAULT_DIMENSION_WEIGHTS,
  DEFAULT_TIER_BOUNDARIES,
  resolveComplexitySettings,
} from './complexity-settings';
import { DEFAULT_HOUSEKEEPING_PATTERNS } from './housekeeping';
import { DEFAULT_CODE_KEYWORDS, DEFAULT_ESCALATION_KEYWORDS } from './keywords';
import { ComplexityRouterConfig } from './router-config';

const resolve = (config: unknown) => resolveComplexitySettings('r', ComplexityRouterConfig.parse(config));

describe(resolveComplexitySettings.name, () => {
  it('applies every default', () => {
    const sut = resolve({ tiers: { SIMPLE: 'a' } });
    expect(sut.weights).toEqual(DEFAULT_DIMENSION_WEIGHTS);
    expect(sut.boundaries).toEqual({ simpleMedium: 0.15, mediumComplex: 0.35, complexReasoning: 0.6 });
    expect(sut.tokenThresholds).toEqual({ simple: 15, complex: 400 });
    expect(sut.reasoningOverrideMinScore).toBe(0.15);
    expect(sut.defaultModel).toBeNull();
    expect(sut.keywords.code).toBe(DEFAULT_CODE_KEYWORDS);
    expect(sut.escalationKeywords).toBe(DEFAULT_ESCALATION_KEYWORDS);
    expect(sut.housekeepingPatterns).toBe(DEFAULT_HOUSEKEEPING_PATTERNS);
    expect(sut.scoreSystemPrompt).toBe(false);
    expect(sut.sessionAffinity).toBe(false);
  });

  it('replaces the default weights with a given map: a dimension left out weighs 0', () => {
    const sut = resolve({ tiers: { SIMPLE: 'a' }, dimension_weights: { codePresence: 0.9 } });
    expect(sut.weights).toEqual({
      tokenCount: 0,
      codePresence: 0.9,
      reasoningMarkers: 0,
      technicalTerms: 0,
      simpleIndicators: 0,
      multiStepPatterns: 0,
      questionComplexity: 0,
    });
  });

  it('keeps the default of each boundary key left out', () => {
    const sut = resolve({ tiers: { SIMPLE: 'a' }, tier_boundaries: { medium_complex: 0.5 } });
    expect(sut.boundaries).toEqual({
      simpleMedium: DEFAULT_TIER_BOUNDARIES.simpleMedium,
      mediumComplex: 0.5,
      complexReasoning: DEFAULT_TIER_BOUNDARIES.complexReasoning,
    });
  });

  it('takes the reasoning override floor from the effective simple_medium, unless set', () => {
    expect(
      resolve({ tiers: { SIMPLE: 'a' }, tier_boundaries: { simple_medium: 0.05 } }).reasoningOverrideMinScore,
    ).toBe(0.05);
    expect(
      resolve({
        tiers: { SIMPLE: 'a' },
        tier_boundaries: { simple_medium: 0.05 },
        reasoning_override_min_score: 0.3,
      }).reasoningOverrideMinScore,
    ).toBe(0.3);
  });

  it('keeps one threshold default when the other is set', () => {
    expect(resolve({ tiers: { SIMPLE: 'a' }, token_thresholds: { complex: 50 } }).tokenThresholds).toEqual({
      simple: 15,
      complex: 50,
    });
  });

  it('orders tiers SIMPLE to REASONING and turns a single model into a pool of one', () => {
    const sut = resolve({ tiers: { REASONING: 'r', SIMPLE: ['s1', 's2'] } });
    expect([...sut.tiers]).toEqual([
      ['SIMPLE', ['s1', 's2']],
      ['REASONING', ['r']],
    ]);
  });

  it('replaces the housekeeping patterns with a given list, and drops them all when housekeeping is off', () => {
    expect(
      resolve({ tiers: { SIMPLE: 'a' }, housekeeping_patterns: [{ user_contains: 'X' }] })
        .housekeepingPatterns,
    ).toEqual([{ user_contains: 'X' }]);
    expect(
      resolve({ tiers: { SIMPLE: 'a' }, route_housekeeping_to_cheapest_tier: false }).housekeepingPatterns,
    ).toEqual([]);
  });
});
