import { z } from 'zod';
import { DurationString } from '../budget/budget-window';

/**
 * The bodies and query strings of the key API, in LiteLLM's shapes (`/key/generate`,
 * `/key/update`, `/key/delete`, `/key/info`, `/key/list`, `/key/regenerate`, `/key/block`,
 * `/key/unblock`). Unknown fields are
 * refused rather than ignored, so a typo in a budget never goes unnoticed.
 */
const money = z.number().nonnegative().finite();
const count = z.number().int().nonnegative().max(1_000_000_000);
const text = z.string().trim().min(1).max(200);

export const KeySettings = z.strictObject({
  /** models, routers or aliases the key may call; empty or absent: all of them. */
  models: z.array(text).max(1000).optional(),
  max_budget: money.nullable().optional(),
  budget_duration: DurationString.nullable().optional(),
  rpm_limit: count.nullable().optional(),
  tpm_limit: count.nullable().optional(),
  max_parallel_requests: count.nullable().optional(),
  /** the key expires this long after it is generated (or updated); null: never. */
  duration: DurationString.nullable().optional(),
  key_alias: text.nullable().optional(),
  user_id: text.nullable().optional(),
  /** the team the key belongs to: its models must be within the team's. */
  team_id: text.nullable().optional(),
  tags: z.array(text).max(100).optional(),
  metadata: z.record(z.string(), z.unknown()).nullable().optional(),
  blocked: z.boolean().optional(),
});
export type KeySettings = z.infer<typeof KeySettings>;

export const KeyGenerateRequest = KeySettings;
export type KeyGenerateRequest = z.infer<typeof KeyGenerateRequest>;

/** `key`: the key itself, its `token` (hash), or its `key_id`. */
export const KeyUpdateRequest = KeySettings.extend({ key: z.string().trim().min(1) });
export type KeyUpdateRequest = z.infer<typeof KeyUpdateRequest>;

export const KeyRegenerateRequest = KeySettings.extend({ key: z.string().trim().min(1).optional() });
export type KeyRegenerateRequest = z.infer<typeof KeyRegenerateRequest>;

export const KeyDeleteRequest = z
  .strictObject({
    keys: z.array(z.string().trim().min(1)).max(1000).optional(),
    key_aliases: z.array(text).max(1000).optional(),
  })
  .refine((body) => (body.keys?.length ?? 0) + (body.key_aliases?.length ?? 0) > 0, {
    message: 'name at least one key in "keys" or "key_aliases"',
  });
export type KeyDeleteRequest = z.infer<typeof KeyDeleteRequest>;

/** `/key/block` and `/key/unblock`: `key` as in `/key/update`. */
export const KeyBlockRequest = z.strictObject({ key: z.string().trim().min(1) });
export type KeyBlockRequest = z.infer<typeof KeyBlockRequest>;

export const KeyInfoQuery = z.strictObject({ key: z.string().trim().min(1) });
export type KeyInfoQuery = z.infer<typeof KeyInfoQuery>;

const queryFlag = z.enum(['true', 'false']).transform((value) => value === 'true');

export const KeyListQuery = z.strictObject({
  page: z.coerce.number().int().min(1).default(1),
  size: z.coerce.number().int().min(1).max(100).default(10),
  user_id: text.optional(),
  key_alias: text.optional(),
  team_id: text.optional(),
  /** LiteLLM lists tokens by default; `true` lists the key objects. */
  return_full_object: queryFlag.default(false),
});
export type KeyListQuery = z.infer<typeof KeyListQuery>;
