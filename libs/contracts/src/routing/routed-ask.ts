import { z } from 'zod';
import { DimensionDetail } from '../classify/classify';
import { RouteCause, Tier } from '../usage/route-decision';

/** At most this many characters of an ask are logged (the classifier reads no more, see `ask.ts`). */
export const ROUTED_ASK_MAX_CHARS = 16_384;

/**
 * One routed ask, published by the ingress on `usage.routing.asks.v1` (stream `USAGE`) only while
 * `general_settings.routing_log` is on and the caller's key has not opted out; the ledger stores it
 * in `routed_asks`. It carries the ask's text (that is the point of the log), never a key: the key
 * is named by its stable `key_id`. `requestId` links it to the call's usage rows.
 */
export const RoutedAsk = z.object({
  kind: z.literal('routed'),
  requestId: z.string().min(1).max(200),
  /** ISO time of the decision. */
  at: z.iso.datetime({ offset: true }),
  /** the ledger deletes the row after this ISO time (`routing_log_retention_days`). */
  expiresAt: z.iso.datetime({ offset: true }),
  router: z.string().min(1),
  tier: Tier.nullable(),
  score: z.number().nullable(),
  cause: RouteCause,
  /** the complexity decision before capacity or session affinity moved it. */
  complexityTier: Tier.nullable(),
  model: z.string(),
  dimensions: z.array(DimensionDetail),
  ask: z.string().max(ROUTED_ASK_MAX_CHARS),
  sessionId: z.string().max(200).nullable(),
  keyId: z.string().nullable(),
  teamId: z.string().nullable(),
});
export type RoutedAsk = z.infer<typeof RoutedAsk>;

/**
 * An implicit label: a request of a session that names one of a router's tier models itself (not
 * the router), published while the log is on. The ledger labels the session's latest logged ask on
 * that router with this tier when it was routed lower, within `IMPLICIT_LABEL_WINDOW_SECONDS`, and
 * its ask is similar (see docs/routing.md, "The owner's loop").
 */
export const ExplicitTierAsk = z.object({
  kind: z.literal('explicit'),
  requestId: z.string().min(1).max(200),
  at: z.iso.datetime({ offset: true }),
  model: z.string(),
  /** every router whose tiers name the model, with that tier. */
  tiers: z.array(z.object({ router: z.string(), tier: Tier })).min(1),
  ask: z.string().max(ROUTED_ASK_MAX_CHARS),
  sessionId: z.string().min(1).max(200),
  keyId: z.string().nullable(),
});
export type ExplicitTierAsk = z.infer<typeof ExplicitTierAsk>;

/** What travels on `usage.routing.asks.v1`. */
export const RoutingLogRecord = z.discriminatedUnion('kind', [RoutedAsk, ExplicitTierAsk]);
export type RoutingLogRecord = z.infer<typeof RoutingLogRecord>;

/** How long after a logged ask an explicit re-ask of the same session still labels it. */
export const IMPLICIT_LABEL_WINDOW_SECONDS = 600;

export const RoutedAskLabelSource = z.enum(['owner', 'implicit']);
export type RoutedAskLabelSource = z.infer<typeof RoutedAskLabelSource>;
