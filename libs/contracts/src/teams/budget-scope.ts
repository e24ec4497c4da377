import { z } from 'zod';

/**
 * A group whose limits hold across every call charged to it, next to the key's own: a team, an
 * internal user (all their keys), an end user (a request's `user`) or a tag. Its id names its
 * Redis counters and its spend rows (`team:<team_id>`, `user:<user_id>`, `customer:<id>`,
 * `tag:<name>@<created_at ms>`, one per life of the tag: `tagScopeId`); a key's own scope id is its `key_id`.
 */
export const BudgetScopeKind = z.enum(['team', 'user', 'customer', 'tag']);
export type BudgetScopeKind = z.infer<typeof BudgetScopeKind>;

export function budgetScopeId(kind: BudgetScopeKind, id: string): string {
  return `${kind}:${id}`;
}

/** The limits of one scope as the ingress enforces them (null: none). */
export const ScopeLimits = z.object({
  scope_id: z.string().min(1),
  /** how refusals name it: `team "backend"`. */
  label: z.string(),
  max_budget: z.number().nonnegative().nullable(),
  budget_duration: z.string().nullable(),
  rpm_limit: z.number().int().nonnegative().nullable(),
  tpm_limit: z.number().int().nonnegative().nullable(),
  max_parallel_requests: z.number().int().nonnegative().nullable(),
  /** ISO; budget windows are counted from here. */
  created_at: z.iso.datetime(),
});
export type ScopeLimits = z.infer<typeof ScopeLimits>;

/** Whether a scope holds calls to anything: a budget, or a rate or parallel limit. */
export function hasLimits(
  limits: Pick<ScopeLimits, 'max_budget' | 'rpm_limit' | 'tpm_limit' | 'max_parallel_requests'>,
): boolean {
  return (
    limits.max_budget !== null ||
    limits.rpm_limit !== null ||
    limits.tpm_limit !== null ||
    limits.max_parallel_requests !== null
  );
}

/**
 * What the ingress needs about a key's internal user: the user's budget across all their keys, and
 * the models the user may call (absent or empty: all of them; absent from a ledger older than the
 * field, so a rolling upgrade keeps working).
 */
export const KeyUser = ScopeLimits.extend({
  models: z.array(z.string()).optional(),
});
export type KeyUser = z.infer<typeof KeyUser>;

/** What the ingress needs about a key's team, beside its limits. */
export const KeyTeam = ScopeLimits.extend({
  team_id: z.string(),
  team_alias: z.string().nullable(),
  /** models the team may call; empty: all of them. */
  models: z.array(z.string()),
  blocked: z.boolean(),
  tags: z.array(z.string()),
});
export type KeyTeam = z.infer<typeof KeyTeam>;
