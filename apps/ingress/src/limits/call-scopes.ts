import {
  BudgetRedisKeys,
  type BudgetWindow,
  hasLimits,
  type KeyGrants,
  keyBudgetWindow,
  type VirtualKey,
} from '@switchyard/contracts';
import type { CustomerLimits } from './customer-limits';
import type { TagLimits } from './tag-limits';
import type { ScopeLimitsRequest } from './limit-scripts';

/** The limits one scope holds a call to (null: off). */
export interface ScopeLimitValues {
  max_budget: number | null;
  budget_duration: string | null;
  rpm_limit: number | null;
  tpm_limit: number | null;
  max_parallel_requests: number | null;
}

/** A scope a call is admitted in: the key itself, its team, its internal user, its end user, its tags. */
export interface CallScope {
  kind: 'key' | 'team' | 'user' | 'customer' | 'tag';
  scopeId: string;
  /** how refusals name it: `key "ci"`, `team "backend"`. */
  label: string;
  limits: ScopeLimitValues;
  window: BudgetWindow;
  spendKey: string;
}

/**
 * The scopes with at least one limit a call of this key is held to, the key first: its team's
 * budget and rate limits, its internal user's budget across all their keys, the budget of the
 * end user the request names (`user`), and the budget and rate limits of each tag it carries
 * (`tagsOf`: the request's, its key's, its team's) that has any. One admission
 * script checks and counts them all, so no scope is charged for a call another refused.
 */
export function callScopes(
  key: VirtualKey,
  grants: KeyGrants,
  nowMs: number,
  customer: CustomerLimits | null = null,
  tags: readonly TagLimits[] = [],
): CallScope[] {
  const scopes: CallScope[] = [];
  const add = (
    kind: CallScope['kind'],
    scopeId: string,
    label: string,
    limits: ScopeLimitValues,
    createdAt: string,
  ) => {
    if (!hasLimits(limits)) return;
    const window = keyBudgetWindow(createdAt, limits.budget_duration, nowMs);
    scopes.push({ kind, scopeId, label, limits, window, spendKey: BudgetRedisKeys.spend(scopeId, window) });
  };
  add('key', key.key_id, `key "${key.key_alias ?? key.key_name}"`, key, key.created_at);
  if (grants.team) add('team', grants.team.scope_id, grants.team.label, grants.team, grants.team.created_at);
  if (grants.user) add('user', grants.user.scope_id, grants.user.label, grants.user, grants.user.created_at);
  if (customer) {
    const limits = { ...customer, rpm_limit: null, tpm_limit: null, max_parallel_requests: null };
    add('customer', customer.scopeId, `end user "${customer.userId}"`, limits, customer.created_at);
  }
  for (const tag of tags) add('tag', tag.scopeId, `tag "${tag.name}"`, tag, tag.created_at);
  return scopes;
}

export function scopeLimitsRequest(scope: CallScope): ScopeLimitsRequest {
  return {
    scopeId: scope.scopeId,
    spendKey: scope.spendKey,
    rpmLimit: scope.limits.rpm_limit,
    tpmLimit: scope.limits.tpm_limit,
    parallelLimit: scope.limits.max_parallel_requests,
    maxBudget: scope.limits.max_budget,
  };
}
