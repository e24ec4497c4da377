import { z } from 'zod';
import { RouteSummary } from './route-decision';
import { TokenUsage } from './token-usage';
import { Endpoint } from './usage-event';

/** What the dispatcher copies onto the usage event; nothing here is a secret. */
export const DispatchAccounting = z.object({
  endpoint: Endpoint,
  modelGroup: z.string(),
  route: RouteSummary.nullable(),
  keyId: z.string().nullable(),
  sessionId: z.string().nullable(),
  user: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()).nullable(),
});
export type DispatchAccounting = z.infer<typeof DispatchAccounting>;

/** Accounting of one finished upstream attempt, as the dispatcher recorded it on the usage event. */
export const AttemptOutcome = z.object({
  eventId: z.uuid(),
  deploymentId: z.string(),
  model: z.string(),
  provider: z.string(),
  providerModel: z.string(),
  usage: TokenUsage,
  costUsd: z.number().nonnegative().nullable(),
  upstreamLatencyMs: z.number().nonnegative(),
  ttftMs: z.number().nonnegative().nullable(),
});
export type AttemptOutcome = z.infer<typeof AttemptOutcome>;
