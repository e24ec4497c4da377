import { z } from 'zod';
import { DurationString } from '../budget/budget-window';
import { budgetScopeId } from './budget-scope';

/**
 * LiteLLM's tags (`/tag/*`): a name that calls carry (`metadata.tags`, `x-litellm-tags`, their
 * key's and team's tags) with a budget and rate limits held across every call that carries it.
 * LiteLLM also routes by a tag's `models`; Switchyard does not, so a non-empty `models` is refused
 * rather than stored and ignored. Unknown fields are refused, as for keys.
 */
const money = z.number().nonnegative().finite();
const count = z.number().int().nonnegative().max(1_000_000_000);
const text = z.string().trim().min(1).max(200);

/** The longest tag name: longer tags are cut to this before they are counted or stored. */
export const MAX_TAG_LENGTH = 200;
/** The most tags one call is attributed to: its key's and team's, then the request's (sorted) in the places left. */
export const MAX_TAGS = 50;
/** The most tags with limits one call may carry: each is one more scope of its admission. */
export const MAX_TAG_SCOPES = 10;

const noRouting = z
  .array(text)
  .max(1000)
  .refine((models) => models.length === 0, {
    message:
      'tag-based routing is not supported by Switchyard, so a tag cannot name models; leave models out (or empty) and scope models on the key, team or user instead',
  });

export const TagSettings = z.strictObject({
  description: z.string().max(2000).nullable().optional(),
  models: noRouting.nullable().optional(),
  max_budget: money.nullable().optional(),
  /** stored and returned, as LiteLLM does (it alerts on it); never refuses a call. */
  soft_budget: money.nullable().optional(),
  budget_duration: DurationString.nullable().optional(),
  rpm_limit: count.nullable().optional(),
  tpm_limit: count.nullable().optional(),
  max_parallel_requests: count.nullable().optional(),
});
export type TagSettings = z.infer<typeof TagSettings>;

export const TagNewRequest = TagSettings.extend({ name: text.max(MAX_TAG_LENGTH) });
export type TagNewRequest = z.infer<typeof TagNewRequest>;

export const TagUpdateRequest = TagNewRequest;
export type TagUpdateRequest = z.infer<typeof TagUpdateRequest>;

export const TagInfoRequest = z.strictObject({ names: z.array(text).min(1).max(1000) });
export type TagInfoRequest = z.infer<typeof TagInfoRequest>;

export const TagDeleteRequest = z.strictObject({ name: text });
export type TagDeleteRequest = z.infer<typeof TagDeleteRequest>;

/** LiteLLM's budget row of a tag (`litellm_budget_table`), beside the same fields at the top level. */
export const TagBudget = z.object({
  max_budget: z.number().nonnegative().nullable(),
  soft_budget: z.number().nonnegative().nullable(),
  budget_duration: z.string().nullable(),
  rpm_limit: z.number().int().nullable(),
  tpm_limit: z.number().int().nullable(),
  max_parallel_requests: z.number().int().nullable(),
  budget_reset_at: z.iso.datetime().nullable(),
});
export type TagBudget = z.infer<typeof TagBudget>;

export const Tag = TagBudget.extend({
  name: z.string(),
  description: z.string().nullable(),
  models: z.array(z.string()),
  model_info: z.record(z.string(), z.unknown()),
  created_by: z.string().nullable(),
  /** spend in the current budget window (since the tag was created without `budget_duration`). */
  spend: z.number().nonnegative(),
  litellm_budget_table: TagBudget.nullable(),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
});
export type Tag = z.infer<typeof Tag>;

/**
 * The tags a call is attributed to and held to: its key's and its team's, always, then the
 * request's (`metadata.tags`, where the ingress also puts `x-litellm-tags`; strings only) in the
 * places left up to MAX_TAGS (the first in sorted order); trimmed, cut to MAX_TAG_LENGTH, distinct,
 * sorted. A caller cannot push a budgeted key or team tag out of the set by sending many tags of
 * its own; key and team tags beyond MAX_TAGS are all kept. The ingress (admission) and the ledger
 * (usage rows, tag budgets) both use this, so they agree on the set.
 */
export function tagsOf(
  metadata: Record<string, unknown> | null,
  keyTags: readonly string[],
  teamTags: readonly string[],
): string[] {
  const requested = Array.isArray(metadata?.tags) ? (metadata.tags as unknown[]) : [];
  const own = cleaned([...keyTags, ...teamTags]);
  const places = Math.max(0, MAX_TAGS - own.size);
  const extra = [...cleaned(requested)]
    .filter((tag) => !own.has(tag))
    .sort()
    .slice(0, places);
  return [...own, ...extra].sort();
}

function cleaned(tags: readonly unknown[]): Set<string> {
  const result = new Set<string>();
  for (const tag of tags) {
    if (typeof tag !== 'string') continue;
    const trimmed = tag.trim().slice(0, MAX_TAG_LENGTH);
    if (trimmed.length > 0) result.add(trimmed);
  }
  return result;
}

/**
 * The scope id of one life of a tag (`tag:<name>@<created_at ms>`): its spend counter, reservations,
 * rate windows and `key_spend` rows. A tag deleted and created again under its name starts from
 * nothing, whatever a late counter write or reseed of its earlier life leaves behind. The limits
 * record the ingress reads stays under the name (`budgetScopeId('tag', name)`), and carries
 * `created_at`.
 */
export function tagScopeId(name: string, createdAt: string | Date): string {
  const ms = typeof createdAt === 'string' ? Date.parse(createdAt) : createdAt.getTime();
  return `${budgetScopeId('tag', name)}@${ms}`;
}
