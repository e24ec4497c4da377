import { z } from 'zod';

export const Tier = z.enum(['SIMPLE', 'MEDIUM', 'COMPLEX', 'REASONING']);
export type Tier = z.infer<typeof Tier>;
export const TIERS: readonly Tier[] = Tier.options;

export const RouteCause = z.enum([
  'heuristic_scorer',
  'reasoning_override',
  'housekeeping',
  'default_fallback',
  'context_window',
  'session_affinity',
  'learned',
]);
export type RouteCause = z.infer<typeof RouteCause>;

/** What a router decided, carried on the usage event so routing can be audited without prompts. */
export const RouteSummary = z.object({
  router: z.string(),
  tier: Tier.nullable(),
  score: z.number().nullable(),
  cause: RouteCause,
  /** raw score per dimension (or feature group for the learned classifier). */
  dimensions: z.record(z.string(), z.number()),
});
export type RouteSummary = z.infer<typeof RouteSummary>;
