import type { ClassifyRequest, Tier } from '@switchyard/contracts';
import type { ComplexitySettings } from './complexity-settings';
import { tierRank } from './tier-order';

export interface AffinityOutcome {
  tier: Tier;
  model: string;
  pool: readonly string[];
  note: string;
}

/**
 * Session affinity (`session_affinity: true`): a session keeps the model it used last while its
 * new ask does not score higher, so a follow-up like "ok, go on" stays on the model that holds the
 * work (and its prompt cache). It applies when the session's last model is in the pool of its last
 * tier in this router; a higher tier wins. Only scored decisions take part (`scoredTier`).
 */
export function sessionAffinity(
  settings: Pick<ComplexitySettings, 'sessionAffinity' | 'tiers'>,
  session: ClassifyRequest['session'],
  scoredTier: Tier | null,
): AffinityOutcome | null {
  if (!settings.sessionAffinity || session === null || scoredTier === null) return null;
  const { id, lastTier, lastModel } = session;
  if (lastTier === null || lastModel === null) return null;
  const pool = settings.tiers.get(lastTier);
  if (pool === undefined || !pool.includes(lastModel)) return null;
  if (tierRank(scoredTier) > tierRank(lastTier)) return null;
  return {
    tier: lastTier,
    model: lastModel,
    pool,
    note: `session affinity: the ask scored ${scoredTier}, not above ${lastTier}; kept ${lastModel} of session ${id}`,
  };
}
