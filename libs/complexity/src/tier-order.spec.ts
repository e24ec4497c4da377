import type { Tier } from '@switchyard/contracts';
import { nextConfiguredTier, tierRank } from './tier-order';

describe(tierRank.name, () => {
  it('orders SIMPLE < MEDIUM < COMPLEX < REASONING, none below all', () => {
    expect(
      ['SIMPLE', 'MEDIUM', 'COMPLEX', 'REASONING', null].map((tier) => tierRank(tier as Tier | null)),
    ).toEqual([0, 1, 2, 3, -1]);
  });
});

describe(nextConfiguredTier.name, () => {
  const tiers = new Map<Tier, readonly string[]>([
    ['SIMPLE', ['s']],
    ['COMPLEX', ['c']],
  ]);

  it('is the lowest configured tier above, skipping unconfigured ones', () => {
    expect(nextConfiguredTier('SIMPLE', tiers)).toBe('COMPLEX');
    expect(nextConfiguredTier('MEDIUM', tiers)).toBe('COMPLEX');
    expect(nextConfiguredTier('COMPLEX', tiers)).toBeNull();
  });
});
