import { z } from 'zod';
import { DimensionDetail } from '../classify/classify';
import { RouteCause, Tier } from '../usage/route-decision';
import { RoutedAskLabelSource } from './routed-ask';

const instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);

/**
 * `GET /routing/asks`: logged asks, newest first, one page at a time (`next_cursor` until null).
 * Filters: `router`, `tier` (the decided tier), `label` (a tier), `labelled` (`true`/`false`),
 * `session_id`, and a time range (`start_date` inclusive, `end_date` exclusive).
 */
export const RoutedAsksQuery = z.strictObject({
  router: z.string().trim().min(1).optional(),
  tier: Tier.optional(),
  label: Tier.optional(),
  labelled: z.enum(['true', 'false']).optional(),
  session_id: z.string().trim().min(1).max(200).optional(),
  start_date: instant.optional(),
  end_date: instant.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().min(1).max(200).optional(),
});
export type RoutedAsksQuery = z.infer<typeof RoutedAsksQuery>;

/** `POST /routing/asks/label`: the tier an ask should have had (`null` removes the label). */
export const RoutedAskLabelBody = z.strictObject({
  id: z.string().regex(/^\d{1,18}$/, 'the id of a logged ask (GET /routing/asks)'),
  label: Tier.nullable(),
});
export type RoutedAskLabelBody = z.infer<typeof RoutedAskLabelBody>;

/** One logged ask as the admin API shows it. */
export const RoutedAskRow = z.object({
  id: z.string(),
  request_id: z.string(),
  created_at: z.string(),
  expires_at: z.string(),
  router: z.string(),
  tier: Tier.nullable(),
  complexity_tier: Tier.nullable(),
  score: z.number().nullable(),
  cause: RouteCause,
  model: z.string(),
  dimensions: z.array(DimensionDetail),
  ask: z.string(),
  session_id: z.string().nullable(),
  key_id: z.string().nullable(),
  team_id: z.string().nullable(),
  label: Tier.nullable(),
  label_source: RoutedAskLabelSource.nullable(),
  labelled_at: z.string().nullable(),
});
export type RoutedAskRow = z.infer<typeof RoutedAskRow>;

export const RoutedAsksPage = z.object({
  data: z.array(RoutedAskRow),
  next_cursor: z.string().nullable(),
});
export type RoutedAsksPage = z.infer<typeof RoutedAsksPage>;

/** `routing.asks.v1` request: list a page, or label one ask. `teams`: a team admin's teams (null: all). */
export const RoutedAsksMessage = z.discriminatedUnion('op', [
  z.object({
    op: z.literal('list'),
    teams: z.array(z.string()).nullable(),
    router: z.string().nullable(),
    tier: Tier.nullable(),
    label: Tier.nullable(),
    labelled: z.boolean().nullable(),
    sessionId: z.string().nullable(),
    start: instant.nullable(),
    end: instant.nullable(),
    limit: z.number().int().min(1).max(500),
    cursor: z.string().nullable(),
  }),
  z.object({
    op: z.literal('label'),
    teams: z.array(z.string()).nullable(),
    id: z.string().regex(/^\d{1,18}$/),
    label: Tier.nullable(),
  }),
]);
export type RoutedAsksMessage = z.infer<typeof RoutedAsksMessage>;

export const RoutedAsksReply = z.union([RoutedAsksPage, RoutedAskRow]);
export type RoutedAsksReply = z.infer<typeof RoutedAsksReply>;
