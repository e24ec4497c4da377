import { z } from 'zod';
import { DurationString } from '../budget/budget-window';

/**
 * Teams, internal users and end users (customers), in LiteLLM's shapes (`/team/*`, `/user/*`,
 * `/customer/*`). Unknown fields are refused, as for keys.
 */
const money = z.number().nonnegative().finite();
const count = z.number().int().nonnegative().max(1_000_000_000);
const text = z.string().trim().min(1).max(200);
const metadata = z.record(z.string(), z.unknown());

export const TeamRole = z.enum(['admin', 'member']);
export type TeamRole = z.infer<typeof TeamRole>;

export const TeamMember = z.strictObject({ user_id: text, role: TeamRole.default('member') });
export type TeamMember = z.infer<typeof TeamMember>;

export const TeamSettings = z.strictObject({
  team_alias: text.nullable().optional(),
  /** models the team's keys may call; empty or absent: all of them. */
  models: z.array(text).max(1000).optional(),
  max_budget: money.nullable().optional(),
  budget_duration: DurationString.nullable().optional(),
  rpm_limit: count.nullable().optional(),
  tpm_limit: count.nullable().optional(),
  max_parallel_requests: count.nullable().optional(),
  tags: z.array(text).max(100).optional(),
  metadata: metadata.nullable().optional(),
  blocked: z.boolean().optional(),
});
export type TeamSettings = z.infer<typeof TeamSettings>;

export const TeamNewRequest = TeamSettings.extend({
  team_id: text.optional(),
  members_with_roles: z.array(TeamMember).max(1000).optional(),
});
export type TeamNewRequest = z.infer<typeof TeamNewRequest>;

export const TeamUpdateRequest = TeamSettings.extend({ team_id: text });
export type TeamUpdateRequest = z.infer<typeof TeamUpdateRequest>;

export const TeamDeleteRequest = z.strictObject({ team_ids: z.array(text).min(1).max(1000) });
export type TeamDeleteRequest = z.infer<typeof TeamDeleteRequest>;

export const TeamRefRequest = z.strictObject({ team_id: text });
export type TeamRefRequest = z.infer<typeof TeamRefRequest>;

export const TeamMemberAddRequest = z.strictObject({
  team_id: text,
  member: z.union([TeamMember, z.array(TeamMember).min(1).max(1000)]),
});
export type TeamMemberAddRequest = z.infer<typeof TeamMemberAddRequest>;

export const TeamMemberDeleteRequest = z.strictObject({ team_id: text, user_id: text });
export type TeamMemberDeleteRequest = z.infer<typeof TeamMemberDeleteRequest>;

export const TeamListQuery = z.strictObject({ user_id: text.optional() });
export type TeamListQuery = z.infer<typeof TeamListQuery>;

export const Team = z.object({
  team_id: z.string(),
  team_alias: z.string().nullable(),
  models: z.array(z.string()),
  max_budget: z.number().nonnegative().nullable(),
  budget_duration: z.string().nullable(),
  rpm_limit: z.number().int().nullable(),
  tpm_limit: z.number().int().nullable(),
  max_parallel_requests: z.number().int().nullable(),
  tags: z.array(z.string()),
  metadata: z.record(z.string(), z.unknown()),
  blocked: z.boolean(),
  members_with_roles: z.array(z.object({ user_id: z.string(), role: TeamRole })),
  /** spend in the current budget window (all time without `budget_duration`). */
  spend: z.number().nonnegative(),
  budget_reset_at: z.iso.datetime().nullable(),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
});
export type Team = z.infer<typeof Team>;

export const UserSettings = z.strictObject({
  user_email: text.nullable().optional(),
  user_alias: text.nullable().optional(),
  /** models the user's keys may call; empty or absent: all of them. */
  models: z.array(text).max(1000).optional(),
  max_budget: money.nullable().optional(),
  budget_duration: DurationString.nullable().optional(),
  metadata: metadata.nullable().optional(),
});
export type UserSettings = z.infer<typeof UserSettings>;

export const UserNewRequest = UserSettings.extend({
  user_id: text.optional(),
  /** teams to join as a member (`/team/member_add` sets a role). */
  teams: z.array(text).max(100).optional(),
});
export type UserNewRequest = z.infer<typeof UserNewRequest>;

export const UserUpdateRequest = UserSettings.extend({ user_id: text });
export type UserUpdateRequest = z.infer<typeof UserUpdateRequest>;

export const UserDeleteRequest = z.strictObject({ user_ids: z.array(text).min(1).max(1000) });
export type UserDeleteRequest = z.infer<typeof UserDeleteRequest>;

export const UserRefQuery = z.strictObject({ user_id: text });
export type UserRefQuery = z.infer<typeof UserRefQuery>;

export const InternalUser = z.object({
  user_id: z.string(),
  user_email: z.string().nullable(),
  user_alias: z.string().nullable(),
  models: z.array(z.string()),
  max_budget: z.number().nonnegative().nullable(),
  budget_duration: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()),
  teams: z.array(z.object({ team_id: z.string(), role: TeamRole })),
  spend: z.number().nonnegative(),
  budget_reset_at: z.iso.datetime().nullable(),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
});
export type InternalUser = z.infer<typeof InternalUser>;

/** LiteLLM's end users: `user_id` is the `user` field of a request. */
export const CustomerNewRequest = z.strictObject({
  user_id: text,
  alias: text.nullable().optional(),
  max_budget: money.nullable().optional(),
  budget_duration: DurationString.nullable().optional(),
  blocked: z.boolean().optional(),
  metadata: metadata.nullable().optional(),
});
export type CustomerNewRequest = z.infer<typeof CustomerNewRequest>;

export const CustomerInfoQuery = z.strictObject({ end_user_id: text });
export type CustomerInfoQuery = z.infer<typeof CustomerInfoQuery>;

export const Customer = z.object({
  user_id: z.string(),
  alias: z.string().nullable(),
  max_budget: z.number().nonnegative().nullable(),
  budget_duration: z.string().nullable(),
  blocked: z.boolean(),
  metadata: z.record(z.string(), z.unknown()),
  spend: z.number().nonnegative(),
  budget_reset_at: z.iso.datetime().nullable(),
  created_at: z.iso.datetime(),
});
export type Customer = z.infer<typeof Customer>;
