import { z } from 'zod';

/**
 * `GET /health/latency`: p50/p99 latency and time to first token of each deployment over the last
 * `minutes` (default 60, at most a day), from the gateway's own usage rows (upstream attempts
 * only: no cache hits or refusals).
 */
export const SpendLatencyQuery = z.strictObject({
  minutes: z.coerce.number().int().min(1).max(1440).default(60),
});
export type SpendLatencyQuery = z.infer<typeof SpendLatencyQuery>;

/** `spend.latency.v1` request. */
export const SpendLatencyMessage = z.object({ minutes: z.number().int().min(1).max(1440) });
export type SpendLatencyMessage = z.infer<typeof SpendLatencyMessage>;

export const DeploymentLatency = z.object({
  deployment_id: z.string().nullable(),
  model: z.string(),
  provider: z.string(),
  requests: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  latency_p50_ms: z.number(),
  latency_p99_ms: z.number(),
  ttft_p50_ms: z.number().nullable(),
  ttft_p99_ms: z.number().nullable(),
});
export type DeploymentLatency = z.infer<typeof DeploymentLatency>;

/** `spend.latency.v1` reply and `GET /health/latency` response. */
export const SpendLatency = z.object({
  minutes: z.number().int(),
  deployments: z.array(DeploymentLatency),
});
export type SpendLatency = z.infer<typeof SpendLatency>;
