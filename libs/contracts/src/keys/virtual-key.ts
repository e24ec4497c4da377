import { z } from 'zod';

/**
 * A virtual key as the ledger stores it, in LiteLLM's field names. Never the key itself: `token`
 * is its keyed hash (HMAC-SHA256 with `LITELLM_SALT_KEY`, hex), `key_name` a non-secret display
 * form (`sk-...abcd`). `key_id` is stable across regenerations; usage events carry it.
 */
export const VirtualKey = z.object({
  key_id: z.string().min(1),
  token: z.string().regex(/^[0-9a-f]{64}$/),
  key_name: z.string(),
  key_alias: z.string().nullable(),
  user_id: z.string().nullable(),
  /** the team the key belongs to (its calls are charged to the team too); absent or null: none. */
  team_id: z.string().nullable().optional(),
  /** tags every call of the key carries (spend per tag). */
  tags: z.array(z.string()).optional(),
  /** models, routers or aliases the key may call; empty: all of them. */
  models: z.array(z.string()),
  /** US dollars per budget window; null: no budget. */
  max_budget: z.number().nonnegative().nullable(),
  /** the length of a budget window (`30d`, `1mo`…); null: the budget is for all time. */
  budget_duration: z.string().nullable(),
  rpm_limit: z.number().int().nonnegative().nullable(),
  tpm_limit: z.number().int().nonnegative().nullable(),
  max_parallel_requests: z.number().int().nonnegative().nullable(),
  /** ISO time after which the key is refused; null: never expires. */
  expires: z.iso.datetime().nullable(),
  blocked: z.boolean(),
  metadata: z.record(z.string(), z.unknown()),
  /** ISO; budget windows are counted from here. */
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
});
export type VirtualKey = z.infer<typeof VirtualKey>;

/** A key with what it has spent (`/key/info`, `/key/list`, `/key/update`). */
export const VirtualKeyInfo = VirtualKey.extend({
  /** spend in the current budget window (all time when there is no `budget_duration`). */
  spend: z.number().nonnegative(),
  /** spend since the key was created. */
  total_spend: z.number().nonnegative(),
  /** ISO start of the next budget window; null without `budget_duration`. */
  budget_reset_at: z.iso.datetime().nullable(),
});
export type VirtualKeyInfo = z.infer<typeof VirtualKeyInfo>;

/**
 * How a bus message names a key: by its hash (the ingress hashes a key an admin sends), its stable
 * id, or its alias. The key itself never travels on the bus.
 */
export const KeyRef = z.discriminatedUnion('by', [
  z.object({ by: z.literal('hash'), value: z.string().regex(/^[0-9a-f]{64}$/) }),
  z.object({ by: z.literal('id'), value: z.string().min(1).max(200) }),
  z.object({ by: z.literal('alias'), value: z.string().min(1).max(200) }),
]);
export type KeyRef = z.infer<typeof KeyRef>;
