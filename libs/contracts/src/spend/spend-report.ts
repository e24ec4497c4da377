import { z } from 'zod';
import { KeyRef } from '../keys/virtual-key';

export const SpendGroupBy = z.enum([
  'model',
  'key',
  'provider',
  'router',
  'tier',
  'day',
  'team',
  'user',
  'customer',
  'tag',
]);
export type SpendGroupBy = z.infer<typeof SpendGroupBy>;

/**
 * `GET /spend/report?group_by=model|key|provider|router|tier|day|team|user|customer|tag`: requests, tokens by kind and
 * cost per group, from the daily rollups. `start_date` and `end_date` are UTC days, both inclusive;
 * `key`, `team_id`, `user_id` (internal user), `tag` and `customer` (the request's `user`) narrow it.
 * `group_by=tag` counts a request once under each of its tags.
 */
export const SpendReportQuery = z.strictObject({
  group_by: SpendGroupBy.default('model'),
  start_date: z.iso.date().optional(),
  end_date: z.iso.date().optional(),
  key: z.string().trim().min(1).optional(),
  team_id: z.string().trim().min(1).optional(),
  user_id: z.string().trim().min(1).optional(),
  tag: z.string().trim().min(1).optional(),
  customer: z.string().trim().min(1).optional(),
});
export type SpendReportQuery = z.infer<typeof SpendReportQuery>;

/** `spend.report.v1` request. */
export const SpendReportMessage = z.object({
  groupBy: SpendGroupBy,
  startDate: z.iso.date().nullable(),
  endDate: z.iso.date().nullable(),
  key: KeyRef.nullable(),
  teamId: z.string().nullable().optional(),
  userId: z.string().nullable().optional(),
  tag: z.string().nullable().optional(),
  customer: z.string().nullable().optional(),
});
export type SpendReportMessage = z.infer<typeof SpendReportMessage>;

const count = z.number().int().nonnegative();

export const SpendTotals = z.object({
  /** usage events: upstream attempts, cache hits and refusals. */
  requests: count,
  successes: count,
  errors: count,
  cache_hits: count,
  refusals: count,
  /** events whose model has no known price (their cost is not in `cost_usd`). */
  unpriced_requests: count,
  tokens: z.object({
    input: count,
    input_no_cache: count,
    input_cache_read: count,
    input_cache_write: count,
    output: count,
    output_reasoning: count,
    total: count,
  }),
  cost_usd: z.number().nonnegative(),
  /** what cache hits saved. */
  saved_cost_usd: z.number().nonnegative(),
  /**
   * routed traffic only: what the same requests would have cost on their router's most expensive
   * tier model, next to `routed_cost_usd`, what they did cost; null when nothing here was routed.
   */
  baseline_cost_usd: z.number().nonnegative().nullable(),
  routed_cost_usd: z.number().nonnegative().nullable(),
  /** `baseline_cost_usd − routed_cost_usd`. */
  savings_usd: z.number().nullable(),
});
export type SpendTotals = z.infer<typeof SpendTotals>;

export const SpendReportRow = SpendTotals.extend({
  /** the model, key_id, provider, router, tier or day (YYYY-MM-DD); null: none (not routed, no key). */
  group: z.string().nullable(),
  /** group_by=key: the key's alias and display name while it exists. */
  key_alias: z.string().nullable().optional(),
  key_name: z.string().nullable().optional(),
});
export type SpendReportRow = z.infer<typeof SpendReportRow>;

/** `spend.report.v1` reply and `GET /spend/report` response. */
export const SpendReport = z.object({
  group_by: SpendGroupBy,
  start_date: z.string().nullable(),
  end_date: z.string().nullable(),
  rows: z.array(SpendReportRow),
  totals: SpendTotals,
});
export type SpendReport = z.infer<typeof SpendReport>;
