import { z } from 'zod';
import { Endpoint, RouteCause, Tier, UsageEvent, UsageKind, UsageStatus } from '@switchyard/contracts';

/** Postgres `int4`, the type of the token, attempt and status columns. */
const INT4_MAX = 2_147_483_647;
/** Below the range of `numeric(24, 12)`, the type a cost is summed in for a key's budget window. */
const COST_MAX_USD = 100_000_000_000;
const TEXT_MAX = 1000;

/** A note on a minimal row, in its `metadata` (the row's own metadata is what was dropped). */
export interface MinimalRowNote {
  /** why the full event was not stored (the dead-letter reason). */
  reason: string;
}

/**
 * The part of a usage event that the ledger must never lose, in a form Postgres always stores:
 * its id, call, key, model, provider, kind, status, time, tokens and costs (numbers clamped to
 * their columns' ranges, a time Postgres cannot read replaced by now); the free-text fields that
 * describe the call rather than bill it (`user`, `metadata`, route dimensions) dropped, and long
 * texts clipped. `metadata` says why (`ledger_minimal_row`), so the row is recognisable in spend
 * logs. It is what the ledger stores, charges to the key and settles the reservation with when
 * the full event is refused by the database or is not a usage event it can read.
 */
export function minimalUsageEvent(event: UsageEvent, note: MinimalRowNote): UsageEvent {
  const int4 = (value: number) => Math.min(Math.max(Math.trunc(value), 0), INT4_MAX);
  const cost = (value: number | null) => (value === null ? null : Math.min(value, COST_MAX_USD));
  const startedMs = Date.parse(event.startedAt);
  const startedYear = Number.isFinite(startedMs) ? new Date(startedMs).getUTCFullYear() : NaN;
  return {
    eventId: event.eventId,
    requestId: event.requestId,
    attempt: int4(event.attempt),
    retry: int4(event.retry),
    kind: event.kind,
    status: event.status,
    httpStatus: Math.min(Math.max(Math.trunc(event.httpStatus), -INT4_MAX), INT4_MAX),
    errorType: event.errorType === null ? null : event.errorType.slice(0, TEXT_MAX),
    endpoint: event.endpoint,
    stream: event.stream,
    startedAt:
      startedYear >= 1970 && startedYear <= 9999
        ? new Date(startedMs).toISOString()
        : new Date().toISOString(),
    modelGroup: event.modelGroup.slice(0, TEXT_MAX),
    model: event.model.slice(0, TEXT_MAX),
    deploymentId: event.deploymentId === null ? null : event.deploymentId.slice(0, TEXT_MAX),
    provider: event.provider.slice(0, TEXT_MAX),
    providerModel: event.providerModel === null ? null : event.providerModel.slice(0, TEXT_MAX),
    route:
      event.route === null
        ? null
        : {
            router: event.route.router.slice(0, TEXT_MAX),
            tier: event.route.tier,
            score: event.route.score,
            cause: event.route.cause,
            dimensions: {},
          },
    tokens: {
      input: {
        total: int4(event.tokens.input.total),
        noCache: int4(event.tokens.input.noCache),
        cacheRead: int4(event.tokens.input.cacheRead),
        cacheWrite: int4(event.tokens.input.cacheWrite),
      },
      output: { total: int4(event.tokens.output.total), reasoning: int4(event.tokens.output.reasoning) },
    },
    usageEstimated: event.usageEstimated,
    costUsd: cost(event.costUsd),
    savedCostUsd: cost(event.savedCostUsd),
    baselineCostUsd: cost(event.baselineCostUsd),
    latencyMs: event.latencyMs,
    ttftMs: event.ttftMs,
    keyId: event.keyId,
    sessionId: event.sessionId === null ? null : event.sessionId.slice(0, TEXT_MAX),
    user: null,
    metadata: { ledger_minimal_row: note.reason.slice(0, TEXT_MAX) },
  };
}

const count = z.number().int().nonnegative().catch(0);
const optionalText = z.string().nullable().catch(null);

/**
 * What the ledger reads from an event `UsageEvent` refuses (a newer producer's status, a field of
 * the wrong type): only the identity, the time and the cost must be right, every other field
 * falls back to a neutral value. Without an event id, a call id or a readable cost there is
 * nothing to charge, and the event is only dead-lettered.
 */
const SalvageableEvent = z.object({
  eventId: z.uuid(),
  requestId: z.string().min(1),
  attempt: count,
  retry: count,
  kind: UsageKind.catch('upstream'),
  status: UsageStatus.catch('error'),
  httpStatus: z.number().int().catch(0),
  errorType: optionalText,
  endpoint: Endpoint.catch('chat'),
  stream: z.boolean().catch(false),
  startedAt: z.iso.datetime().catch(() => new Date().toISOString()),
  modelGroup: z.string().catch('unknown'),
  model: z.string().catch('unknown'),
  deploymentId: optionalText,
  provider: z.string().catch('unknown'),
  providerModel: optionalText,
  route: z
    .object({
      router: z.string(),
      tier: Tier.nullable().catch(null),
      score: z.number().nullable().catch(null),
      cause: RouteCause.catch('default_fallback'),
      dimensions: z.record(z.string(), z.number()).catch({}),
    })
    .nullable()
    .catch(null),
  tokens: z
    .object({
      input: z.object({ total: count, noCache: count, cacheRead: count, cacheWrite: count }),
      output: z.object({ total: count, reasoning: count }),
    })
    .catch({
      input: { total: 0, noCache: 0, cacheRead: 0, cacheWrite: 0 },
      output: { total: 0, reasoning: 0 },
    }),
  usageEstimated: z.boolean().catch(false),
  costUsd: z.number().nonnegative().nullable(),
  savedCostUsd: z.number().nonnegative().nullable().catch(null),
  baselineCostUsd: z.number().nonnegative().nullable().catch(null),
  latencyMs: z.number().nonnegative().catch(0),
  ttftMs: z.number().nonnegative().nullable().catch(null),
  keyId: z.string().nullable(),
  sessionId: optionalText,
  user: z.unknown().transform(() => null),
  metadata: z.unknown().transform(() => null),
}) satisfies z.ZodType<UsageEvent, unknown>;

/** The minimal row of an event `UsageEvent` refuses, or null when it has nothing to charge. */
export function salvageUsageEvent(value: unknown, note: MinimalRowNote): UsageEvent | null {
  const salvaged = SalvageableEvent.safeParse(value);
  if (!salvaged.success) return null;
  const event = UsageEvent.safeParse(minimalUsageEvent(salvaged.data, note));
  return event.success ? event.data : null;
}
