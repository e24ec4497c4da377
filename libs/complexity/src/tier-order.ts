import { type Tier, TIERS } from '@switchyard/contracts';

/** Position of a tier in SIMPLE < MEDIUM < COMPLEX < REASONING; −1 for none. */
export function tierRank(tier: Tier | null): number {
  return tier === null ? -1 : TIERS.indexOf(tier);
}

/** The lowest configured tier above `tier`; null when there is none. */
export function nextConfiguredTier(tier: Tier, tiers: ReadonlyMap<Tier, readonly string[]>): Tier | null {
  const rank = tierRank(tier);
  for (const candidate of tiers.keys()) {
    if (tierRank(candidate) > rank) return candidate;
  }
  return null;
}
