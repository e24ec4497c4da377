import { z } from 'zod';
import { ChatBody } from '../chat/chat-body';
import { RouteCause, Tier } from '../usage/route-decision';

/** `classify.v1` request: which router, and the request to route. */
export const ClassifyRequest = z.object({
  router: z.string().min(1),
  body: ChatBody,
  /** UTF-8 size of the request as received: an upper bound on its token count. */
  requestBytes: z.number().int().nonnegative(),
  /** the session's previous routing, for `session_affinity` (looked up by the ingress). */
  session: z
    .object({ id: z.string(), lastTier: Tier.nullable(), lastModel: z.string().nullable() })
    .nullable(),
});
export type ClassifyRequest = z.infer<typeof ClassifyRequest>;

export const DimensionDetail = z.object({
  name: z.string(),
  raw: z.number(),
  weight: z.number(),
  /** matched keywords or, for the learned classifier, the strongest features. */
  matched: z.array(z.string()),
});
export type DimensionDetail = z.infer<typeof DimensionDetail>;

/** `classify.v1` reply: the routing decision and everything needed to explain it. */
export const ClassifyDecision = z.object({
  router: z.string(),
  tier: Tier.nullable(),
  model: z.string(),
  score: z.number().nullable(),
  cause: RouteCause,
  dimensions: z.array(DimensionDetail),
  /** the complexity decision before capacity or session affinity moved it. */
  complexity: z.object({ tier: Tier.nullable(), cause: RouteCause, model: z.string() }),
  /** tokens counted for the capacity check; null when it could not matter and was skipped. */
  requestTokens: z.number().int().nonnegative().nullable(),
  /** human-readable steps: escalation, capacity moves, affinity. */
  notes: z.array(z.string()),
});
export type ClassifyDecision = z.infer<typeof ClassifyDecision>;
