import { z } from 'zod';
import { RouteSummary } from './route-decision';
import { TokenUsage } from './token-usage';

export const UsageKind = z.enum(['upstream', 'cache_hit', 'refusal']);
export type UsageKind = z.infer<typeof UsageKind>;

export const UsageStatus = z.enum(['success', 'error', 'cancelled']);
export type UsageStatus = z.infer<typeof UsageStatus>;

/** The client surface a call came in on: OpenAI chat, embeddings, Anthropic messages, OpenAI
 * Responses, Google's generateContent. */
export const Endpoint = z.enum(['chat', 'embeddings', 'messages', 'responses', 'gemini']);
export type Endpoint = z.infer<typeof Endpoint>;

/**
 * One upstream attempt, cache hit or refusal. Published to JetStream on `usage.<provider>.v1`
 * with the event id as message id; the ledger stores one row per event id.
 */
export const UsageEvent = z.object({
  eventId: z.uuid(),
  requestId: z.string().min(1),
  /** which dispatch of the client request (0, then fallbacks 1, 2, …). */
  attempt: z.number().int().nonnegative(),
  /** the dispatcher's retry of that dispatch against the same deployment (0 = first try). */
  retry: z.number().int().nonnegative(),
  kind: UsageKind,
  status: UsageStatus,
  /** HTTP status of the attempt (upstream's, or the gateway's for refusals). */
  httpStatus: z.number().int(),
  errorType: z.string().nullable(),
  endpoint: Endpoint,
  stream: z.boolean(),
  startedAt: z.iso.datetime(),
  /** the name the client called: a model, an alias or a router. */
  modelGroup: z.string(),
  /** the model_name that answered (the tier's model for routers). */
  model: z.string(),
  deploymentId: z.string().nullable(),
  provider: z.string(),
  /** the provider's own model id, e.g. `gpt-5.4-mini`. */
  providerModel: z.string().nullable(),
  route: RouteSummary.nullable(),
  tokens: TokenUsage,
  /** true when the provider never reported usage (a cut stream) and the gateway counted it. */
  usageEstimated: z.boolean(),
  /** US dollars; null when the model's price is unknown (never a made-up 0). */
  costUsd: z.number().nonnegative().nullable(),
  /** for cache hits: what the answer cost when it was made. */
  savedCostUsd: z.number().nonnegative().nullable(),
  /**
   * for routed requests: what the same tokens would have cost on the router's most expensive tier
   * model (the router's savings are baseline minus cost); null when not routed or unpriced.
   */
  baselineCostUsd: z.number().nonnegative().nullable(),
  latencyMs: z.number().nonnegative(),
  ttftMs: z.number().nonnegative().nullable(),
  keyId: z.string().nullable(),
  sessionId: z.string().nullable(),
  user: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()).nullable(),
});
export type UsageEvent = z.infer<typeof UsageEvent>;

/**
 * What a JetStream message on `usage.<provider>.v1` carries: the usage events one publisher
 * gathered over a few milliseconds. The message id is the batch id (a re-published batch is
 * deduplicated by JetStream); each event keeps its own id (the ledger's primary key), so an event
 * that reaches the ledger twice is still stored once.
 */
export const UsageBatch = z.object({
  batchId: z.uuid(),
  /** checked one by one by the consumer, so one bad event does not sink the others. */
  events: z.array(z.unknown()).min(1),
  /** when tracing is on: each event's W3C traceparent, in the order of `events`. */
  traceparents: z.array(z.string().nullable()).optional(),
});
export type UsageBatch = z.infer<typeof UsageBatch>;
