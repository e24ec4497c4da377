import { z } from 'zod';
import { Tier } from '@switchyard/contracts';

/** The model string that marks a `model_list` entry as a complexity router. */
export const COMPLEXITY_ROUTER_MODEL = 'auto_router/complexity_router';

export const DIMENSIONS = [
  'tokenCount',
  'codePresence',
  'reasoningMarkers',
  'technicalTerms',
  'simpleIndicators',
  'multiStepPatterns',
  'questionComplexity',
] as const;
export type Dimension = (typeof DIMENSIONS)[number];

const weight = z.number().finite();
const modelPool = z.union([
  z.string().min(1),
  z.array(z.string().min(1)).min(1, 'an empty pool names no model'),
]);

/**
 * A pattern that marks a request as housekeeping (a session title, for instance): routed to the
 * cheapest configured tier without scoring.
 */
export const HousekeepingPattern = z.union([
  z.strictObject({ user_contains: z.string().min(1) }),
  z.strictObject({ system_starts_with: z.string().min(1) }),
]);
export type HousekeepingPattern = z.infer<typeof HousekeepingPattern>;

/**
 * `litellm_params.complexity_router_config`, as LiteLLM reads it plus Switchyard's additions
 * (`housekeeping_patterns`, `session_affinity`, `classifier_type`, `quality_bias`, `learned_model_path`,
 * `conversation`).
 * Unknown keys are an error, so a typo never silently falls back to a default.
 */
export const ComplexityRouterConfig = z.strictObject({
  tiers: z.partialRecord(Tier, modelPool).refine((tiers) => Object.keys(tiers).length > 0, {
    message: 'a router needs at least one tier',
  }),
  dimension_weights: z.partialRecord(z.enum(DIMENSIONS), weight).optional(),
  tier_boundaries: z
    .strictObject({
      simple_medium: weight.optional(),
      medium_complex: weight.optional(),
      complex_reasoning: weight.optional(),
    })
    .optional(),
  token_thresholds: z
    .strictObject({
      simple: z.number().nonnegative().optional(),
      complex: z.number().nonnegative().optional(),
    })
    .optional(),
  reasoning_override_min_score: weight.optional(),
  default_model: z.string().min(1).optional(),
  code_keywords: z.array(z.string().min(1)).optional(),
  reasoning_keywords: z.array(z.string().min(1)).optional(),
  technical_keywords: z.array(z.string().min(1)).optional(),
  simple_keywords: z.array(z.string().min(1)).optional(),
  escalation_keywords: z.array(z.string().min(1)).optional(),
  route_housekeeping_to_cheapest_tier: z.boolean().optional(),
  score_system_prompt: z.boolean().optional(),
  housekeeping_patterns: z.array(HousekeepingPattern).optional(),
  session_affinity: z.boolean().optional(),
  classifier_type: z.enum(['heuristic', 'learned']).optional(),
  quality_bias: z.number().min(0).max(1).optional(),
  /**
   * learned only: the model file to load instead of the committed one (`npm run train:router --
   * --from-log --out FILE` writes one). A relative path is read from the config file's folder.
   */
  learned_model_path: z.string().min(1).optional(),
  /** how continuations and follow-ups of a session are routed (see `ConversationPolicy`). */
  conversation: z
    .strictObject({
      mode: z.enum(['off', 'inherit', 'floor']),
      floor_turns: z.number().int().min(1).max(20).optional(),
    })
    .optional(),
});
export type ComplexityRouterConfig = z.infer<typeof ComplexityRouterConfig>;

/** Every model name a router configuration refers to (tiers and default), for cross-checks. */
export function referencedModels(config: ComplexityRouterConfig): { path: string; model: string }[] {
  const references: { path: string; model: string }[] = [];
  for (const [tier, pool] of Object.entries(config.tiers)) {
    const models = typeof pool === 'string' ? [pool] : (pool ?? []);
    models.forEach((model, index) =>
      references.push({
        path: typeof pool === 'string' ? `tiers.${tier}` : `tiers.${tier}[${index}]`,
        model,
      }),
    );
  }
  if (config.default_model) references.push({ path: 'default_model', model: config.default_model });
  return references;
}
