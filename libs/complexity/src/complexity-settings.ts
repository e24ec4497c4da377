import { TIERS, type Tier } from '@switchyard/contracts';
import { type ConversationSettings, DEFAULT_CONVERSATION } from './conversation';
import { DEFAULT_HOUSEKEEPING_PATTERNS } from './housekeeping';
import {
  DEFAULT_CODE_KEYWORDS,
  DEFAULT_ESCALATION_KEYWORDS,
  DEFAULT_REASONING_KEYWORDS,
  DEFAULT_SIMPLE_KEYWORDS,
  DEFAULT_TECHNICAL_KEYWORDS,
} from './keywords';
import {
  type ComplexityRouterConfig,
  DIMENSIONS,
  type Dimension,
  type HousekeepingPattern,
} from './router-config';

export const DEFAULT_DIMENSION_WEIGHTS: Readonly<Record<Dimension, number>> = {
  tokenCount: 0.1,
  codePresence: 0.3,
  reasoningMarkers: 0.25,
  technicalTerms: 0.25,
  simpleIndicators: 0.05,
  multiStepPatterns: 0.03,
  questionComplexity: 0.02,
};

export interface TierBoundaries {
  simpleMedium: number;
  mediumComplex: number;
  complexReasoning: number;
}
export const DEFAULT_TIER_BOUNDARIES: Readonly<TierBoundaries> = {
  simpleMedium: 0.15,
  mediumComplex: 0.35,
  complexReasoning: 0.6,
};

export interface TokenThresholds {
  simple: number;
  complex: number;
}
export const DEFAULT_TOKEN_THRESHOLDS: Readonly<TokenThresholds> = { simple: 15, complex: 400 };

export interface KeywordLists {
  code: readonly string[];
  reasoning: readonly string[];
  technical: readonly string[];
  simple: readonly string[];
}

/** A router's `complexity_router_config` with every default applied. */
export interface ComplexitySettings {
  routerName: string;
  /** configured tiers only, in tier order (SIMPLE first), each with its pool of model names. */
  tiers: ReadonlyMap<Tier, readonly string[]>;
  weights: Readonly<Record<Dimension, number>>;
  boundaries: Readonly<TierBoundaries>;
  tokenThresholds: Readonly<TokenThresholds>;
  reasoningOverrideMinScore: number;
  defaultModel: string | null;
  keywords: Readonly<KeywordLists>;
  escalationKeywords: readonly string[];
  /** empty when `route_housekeeping_to_cheapest_tier` is false. */
  housekeepingPatterns: readonly HousekeepingPattern[];
  scoreSystemPrompt: boolean;
  sessionAffinity: boolean;
  /** `heuristic` (LiteLLM's weighted dimensions, the default) or `learned` (the trained model). */
  classifierType: 'heuristic' | 'learned';
  /** learned only: 0 (plain argmax) … 1, shifts decisions toward stronger tiers. */
  qualityBias: number;
  /** learned only: the model file named by `learned_model_path`; null: the committed model. */
  learnedModelPath: string | null;
  /** continuations and follow-ups: `off` (each ask alone, the default), `inherit` or `floor`. */
  conversation: Readonly<ConversationSettings>;
}

export function resolveComplexitySettings(
  routerName: string,
  config: ComplexityRouterConfig,
): ComplexitySettings {
  const tiers = new Map<Tier, readonly string[]>();
  for (const tier of TIERS) {
    const pool = config.tiers[tier];
    if (pool === undefined) continue;
    tiers.set(tier, typeof pool === 'string' ? [pool] : [...pool]);
  }
  // A given map replaces the defaults: a dimension it leaves out weighs nothing.
  const weights = config.dimension_weights
    ? (Object.fromEntries(
        DIMENSIONS.map((dimension) => [dimension, config.dimension_weights?.[dimension] ?? 0]),
      ) as Record<Dimension, number>)
    : DEFAULT_DIMENSION_WEIGHTS;
  // Each missing boundary keeps its default.
  const boundaries: TierBoundaries = {
    simpleMedium: config.tier_boundaries?.simple_medium ?? DEFAULT_TIER_BOUNDARIES.simpleMedium,
    mediumComplex: config.tier_boundaries?.medium_complex ?? DEFAULT_TIER_BOUNDARIES.mediumComplex,
    complexReasoning: config.tier_boundaries?.complex_reasoning ?? DEFAULT_TIER_BOUNDARIES.complexReasoning,
  };
  const housekeeping = config.route_housekeeping_to_cheapest_tier ?? true;
  return {
    routerName,
    tiers,
    weights,
    boundaries,
    tokenThresholds: {
      simple: config.token_thresholds?.simple ?? DEFAULT_TOKEN_THRESHOLDS.simple,
      complex: config.token_thresholds?.complex ?? DEFAULT_TOKEN_THRESHOLDS.complex,
    },
    reasoningOverrideMinScore: config.reasoning_override_min_score ?? boundaries.simpleMedium,
    defaultModel: config.default_model ?? null,
    keywords: {
      code: config.code_keywords ?? DEFAULT_CODE_KEYWORDS,
      reasoning: config.reasoning_keywords ?? DEFAULT_REASONING_KEYWORDS,
      technical: config.technical_keywords ?? DEFAULT_TECHNICAL_KEYWORDS,
      simple: config.simple_keywords ?? DEFAULT_SIMPLE_KEYWORDS,
    },
    escalationKeywords: config.escalation_keywords ?? DEFAULT_ESCALATION_KEYWORDS,
    housekeepingPatterns: housekeeping ? (config.housekeeping_patterns ?? DEFAULT_HOUSEKEEPING_PATTERNS) : [],
    scoreSystemPrompt: config.score_system_prompt ?? false,
    sessionAffinity: config.session_affinity ?? false,
    classifierType: config.classifier_type ?? 'heuristic',
    qualityBias: config.quality_bias ?? 0,
    learnedModelPath: config.learned_model_path ?? null,
    conversation: {
      mode: config.conversation?.mode ?? DEFAULT_CONVERSATION.mode,
      floorTurns: config.conversation?.floor_turns ?? DEFAULT_CONVERSATION.floorTurns,
    },
  };
}
