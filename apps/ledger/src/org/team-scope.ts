import type { EntityManager } from 'typeorm';
import {
  budgetScopeId,
  GatewayError,
  type KeyTeam,
  type KeyUser,
  type TagLimitsRecord,
} from '@switchyard/contracts';
import type { KeyColumns } from '../database/key-store';
import type { OrgStore, TeamRow, UserRow } from './org-store';

/** Scope entries that mean "every model" (LiteLLM's `all-proxy-models`, and `*`). */
const EVERYTHING = new Set(['*', 'all-proxy-models']);

/**
 * A key of a team may only name models the team may call (a key with no models of its own calls
 * what the team may): a 400 for an unknown team, a 403 naming the models outside the team's.
 */
export async function checkTeamScope(
  manager: EntityManager,
  org: OrgStore,
  columns: KeyColumns,
): Promise<void> {
  if (columns.team_id === null) return;
  const team = await org.team(manager, columns.team_id);
  if (team === null) {
    throw GatewayError.invalidRequest(
      `No team with team_id "${columns.team_id}".`,
      'team_id',
      'team_not_found',
    );
  }
  if (team.models.length === 0 || team.models.some((model) => EVERYTHING.has(model))) return;
  const outside = columns.models.filter((model) => !team.models.includes(model));
  if (outside.length > 0) {
    throw GatewayError.forbidden(
      `Key models not allowed by team "${team.team_alias ?? team.team_id}": ${outside.join(', ')}; the team may call: ${team.models.join(', ')}.`,
      'team_model_not_allowed',
    );
  }
}

export function toKeyTeam(row: TeamRow): KeyTeam {
  return {
    scope_id: budgetScopeId('team', row.team_id),
    label: `team "${row.team_alias ?? row.team_id}"`,
    team_id: row.team_id,
    team_alias: row.team_alias,
    models: row.models,
    blocked: row.blocked,
    tags: row.tags,
    ...scopeLimits(row),
  };
}

/** The budget and rate limits a team's or a tag's row holds, as the ingress reads them. */
export function scopeLimits(
  row: Pick<
    TeamRow,
    'max_budget' | 'budget_duration' | 'rpm_limit' | 'tpm_limit' | 'max_parallel_requests' | 'created_at'
  >,
): TagLimitsRecord {
  return {
    max_budget: row.max_budget === null ? null : Number(row.max_budget),
    budget_duration: row.budget_duration,
    rpm_limit: row.rpm_limit,
    tpm_limit: row.tpm_limit,
    max_parallel_requests: row.max_parallel_requests,
    created_at: row.created_at.toISOString(),
  };
}

/**
 * An internal user's budget across all their keys (users have no rate limits of their own), and the
 * models the user may call with any of them.
 */
export function toUserLimits(row: UserRow): KeyUser {
  return {
    scope_id: budgetScopeId('user', row.user_id),
    label: `user "${row.user_id}"`,
    models: row.models,
    max_budget: row.max_budget === null ? null : Number(row.max_budget),
    budget_duration: row.budget_duration,
    rpm_limit: null,
    tpm_limit: null,
    max_parallel_requests: null,
    created_at: row.created_at.toISOString(),
  };
}
