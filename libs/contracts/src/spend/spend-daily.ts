import { z } from 'zod';
import { KeyRef } from '../keys/virtual-key';
import { SpendTotals } from './spend-report';

/**
 * `GET /spend/daily`: per UTC day, the day's totals and their breakdown by provider, by model and
 * by router and tier, from the daily rollups (the shape of LiteLLM's `/user/daily/activity`:
 * `results[].date`, `.metrics`, `.breakdown`). `start_date` and `end_date` are UTC days, both
 * inclusive (default: the last 30 days); `key` narrows it to one key (the master key only; a
 * virtual key always sees its own usage).
 */
export const SpendDailyQuery = z.strictObject({
  start_date: z.iso.date().optional(),
  end_date: z.iso.date().optional(),
  key: z.string().trim().min(1).optional(),
});
export type SpendDailyQuery = z.infer<typeof SpendDailyQuery>;

/** `spend.daily.v1` request. */
export const SpendDailyMessage = z.object({
  startDate: z.iso.date(),
  endDate: z.iso.date(),
  key: KeyRef.nullable(),
});
export type SpendDailyMessage = z.infer<typeof SpendDailyMessage>;

export const SpendDay = z.object({
  /** YYYY-MM-DD (UTC). */
  date: z.string(),
  metrics: SpendTotals,
  breakdown: z.object({
    providers: z.record(z.string(), SpendTotals),
    models: z.record(z.string(), SpendTotals),
    /** router → tier → totals; traffic that was not routed is not here. */
    routers: z.record(z.string(), z.record(z.string(), SpendTotals)),
  }),
});
export type SpendDay = z.infer<typeof SpendDay>;

/** `spend.daily.v1` reply and `GET /spend/daily` response: days with usage only, oldest first. */
export const SpendDaily = z.object({
  start_date: z.string(),
  end_date: z.string(),
  results: z.array(SpendDay),
  totals: SpendTotals,
});
export type SpendDaily = z.infer<typeof SpendDaily>;
