import { z } from 'zod';
import { KeyRef } from '../keys/virtual-key';

const instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);

/**
 * `GET /spend/logs`: usage rows, newest first, one page at a time (`next_cursor` until it is
 * null). Filters: `key` (the key, its token or its key_id; LiteLLM's `api_key` too), `model` (the
 * model that answered), `model_group` (the name called), `request_id`, `provider`, `router`,
 * `tier`, `endpoint` (`chat`, `messages`, `embeddings`), `status` (`success`, `error`, …),
 * `team_id`, `user_id` (the key's internal user), `tag`, `customer` (the request's `user`), and a
 * time range on the start of each attempt (`start_date` inclusive, `end_date` exclusive; ISO times
 * or dates).
 */
export const SpendLogsQuery = z.strictObject({
  key: z.string().trim().min(1).optional(),
  api_key: z.string().trim().min(1).optional(),
  model: z.string().trim().min(1).optional(),
  model_group: z.string().trim().min(1).optional(),
  request_id: z.string().trim().min(1).optional(),
  provider: z.string().trim().min(1).optional(),
  router: z.string().trim().min(1).optional(),
  tier: z.string().trim().min(1).optional(),
  endpoint: z.string().trim().min(1).optional(),
  status: z.string().trim().min(1).optional(),
  team_id: z.string().trim().min(1).optional(),
  user_id: z.string().trim().min(1).optional(),
  tag: z.string().trim().min(1).optional(),
  /** the end user: the request's `user`. */
  customer: z.string().trim().min(1).optional(),
  start_date: instant.optional(),
  end_date: instant.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().min(1).max(200).optional(),
});
export type SpendLogsQuery = z.infer<typeof SpendLogsQuery>;

/** `spend.logs.v1` request. */
export const SpendLogsMessage = z.object({
  key: KeyRef.nullable(),
  model: z.string().nullable(),
  modelGroup: z.string().nullable(),
  requestId: z.string().nullable(),
  /** absent from older senders: no filter. */
  provider: z.string().nullable().default(null),
  router: z.string().nullable().default(null),
  tier: z.string().nullable().default(null),
  endpoint: z.string().nullable().default(null),
  status: z.string().nullable().default(null),
  teamId: z.string().nullable().optional(),
  userId: z.string().nullable().optional(),
  tag: z.string().nullable().optional(),
  customer: z.string().nullable().optional(),
  start: instant.nullable(),
  end: instant.nullable(),
  limit: z.number().int().min(1).max(500),
  cursor: z.string().nullable(),
});
export type SpendLogsMessage = z.infer<typeof SpendLogsMessage>;

const tokens = z.number().int().nonnegative();

/** One usage event as a spend log row. */
export const SpendLogRow = z.object({
  event_id: z.string(),
  request_id: z.string(),
  attempt: z.number().int(),
  retry: z.number().int(),
  kind: z.string(),
  status: z.string(),
  http_status: z.number().int(),
  error_type: z.string().nullable(),
  endpoint: z.string(),
  stream: z.boolean(),
  started_at: z.string(),
  model_group: z.string(),
  model: z.string(),
  provider: z.string(),
  provider_model: z.string().nullable(),
  deployment_id: z.string().nullable(),
  router: z.string().nullable(),
  tier: z.string().nullable(),
  route_score: z.number().nullable(),
  route_cause: z.string().nullable(),
  input_tokens: tokens,
  input_no_cache_tokens: tokens,
  input_cache_read_tokens: tokens,
  input_cache_write_tokens: tokens,
  output_tokens: tokens,
  output_reasoning_tokens: tokens,
  total_tokens: tokens,
  usage_estimated: z.boolean(),
  cost_usd: z.number().nullable(),
  saved_cost_usd: z.number().nullable(),
  baseline_cost_usd: z.number().nullable(),
  latency_ms: z.number(),
  ttft_ms: z.number().nullable(),
  key_id: z.string().nullable(),
  session_id: z.string().nullable(),
  user: z.string().nullable(),
  team_id: z.string().nullable(),
  /** the internal user the key belongs to. */
  user_id: z.string().nullable(),
  /** the request's, its key's and its team's tags. */
  request_tags: z.array(z.string()),
  metadata: z.record(z.string(), z.unknown()).nullable(),
});
export type SpendLogRow = z.infer<typeof SpendLogRow>;

/** `spend.logs.v1` reply and `GET /spend/logs` response. */
export const SpendLogsPage = z.object({
  data: z.array(SpendLogRow),
  /** pass as `cursor` for the next (older) page; null on the last page. */
  next_cursor: z.string().nullable(),
});
export type SpendLogsPage = z.infer<typeof SpendLogsPage>;
