import {
  type ChatMessage,
  type DimensionDetail,
  GatewayError,
  type RouteCause,
  type Tier,
} from '@switchyard/contracts';
import { latestSystemPrompt, readConversation } from './ask';
import type { ComplexitySettings, TierBoundaries } from './complexity-settings';
import { ConversationPolicy } from './conversation';
import { DimensionScorer } from './dimensions';
import { HousekeepingDetector } from './housekeeping';
import { nextConfiguredTier } from './tier-order';

/** Half-open boundaries where a score equal to a boundary goes up. */
export function tierForScore(score: number, boundaries: Readonly<TierBoundaries>): Tier {
  if (score < boundaries.simpleMedium) return 'SIMPLE';
  if (score < boundaries.mediumComplex) return 'MEDIUM';
  if (score < boundaries.complexReasoning) return 'COMPLEX';
  return 'REASONING';
}

/** The router's configuration has nothing to route this tier to (a gateway-side problem, so a 500). */
export function missingTierError(routerName: string, tier: Tier, reason: string): GatewayError {
  return new GatewayError(
    500,
    'api_error',
    `router "${routerName}" decided tier ${tier}, which has no entry in its tiers, and ${reason}; add ${tier} or default_model to its complexity_router_config`,
    { code: 'router_tier_missing', retryable: false },
  );
}

/** What complexity alone decided, before session affinity and the capacity check. */
export interface ComplexityOutcome {
  /** the tier the ask scored (after escalation), even when it has no entry; null when nothing was scored. */
  decidedTier: Tier | null;
  /** the tier whose pool `models` is; null for `default_model`. */
  tier: Tier | null;
  models: readonly string[];
  cause: RouteCause;
  score: number | null;
  dimensions: DimensionDetail[];
  notes: string[];
}

/** What a tier scorer made of one ask (before escalation and tier mapping). */
export interface ScoredAsk {
  tier: Tier;
  cause: RouteCause;
  score: number;
  dimensions: DimensionDetail[];
  notes: string[];
}

/** Turns the ask into a tier: LiteLLM's heuristic, or the learned classifier. */
export interface TierScorer {
  score(ask: string, messages: readonly ChatMessage[]): ScoredAsk;
}

/** LiteLLM's heuristic: the seven dimensions, the reasoning bypass, half-open boundaries. */
export class HeuristicTierScorer implements TierScorer {
  private readonly scorer: DimensionScorer;

  constructor(private readonly settings: ComplexitySettings) {
    this.scorer = new DimensionScorer(settings);
  }

  score(ask: string, messages: readonly ChatMessage[]): ScoredAsk {
    const settings = this.settings;
    const systemPrompt = settings.scoreSystemPrompt ? latestSystemPrompt(messages) : null;
    const { score, dimensions, reasoningMatches } = this.scorer.score(ask, systemPrompt);
    if (reasoningMatches >= 2 && score >= settings.reasoningOverrideMinScore) {
      return {
        tier: 'REASONING',
        cause: 'reasoning_override',
        score,
        dimensions,
        notes: [
          `reasoning override: ${reasoningMatches} reasoning markers and score ${score} ≥ ${settings.reasoningOverrideMinScore}`,
        ],
      };
    }
    return {
      tier: tierForScore(score, settings.boundaries),
      cause: 'heuristic_scorer',
      score,
      dimensions,
      notes: [],
    };
  }
}

/**
 * The tier decision of a complexity router, compiled once per router: no ask → default;
 * housekeeping → cheapest configured tier; the scorer's tier (LiteLLM's heuristic by default, or
 * the learned classifier); escalation; and a decided tier without an entry → `default_model`,
 * else MEDIUM, else an error (never a neighbour).
 */
export class ComplexityDecider {
  private readonly housekeeping: HousekeepingDetector;
  /** the cheapest configured tier and its pool, where housekeeping goes. */
  private readonly cheapest: readonly [Tier, readonly string[]];
  private readonly conversation: ConversationPolicy;
  /** the messages of the request being decided, for `ConversationPolicy`'s earlier asks. */
  private currentMessages: readonly ChatMessage[] = [];

  constructor(
    private readonly settings: ComplexitySettings,
    private readonly scorer: TierScorer = new HeuristicTierScorer(settings),
  ) {
    this.housekeeping = new HousekeepingDetector(settings.housekeepingPatterns);
    const cheapest = [...settings.tiers][0];
    if (cheapest === undefined) throw new Error(`router "${settings.routerName}" has no tiers`);
    this.cheapest = cheapest;
    this.conversation = new ConversationPolicy(
      settings.conversation,
      (ask) => this.scorer.score(ask, this.currentMessages).tier,
    );
  }

  decide(messages: readonly ChatMessage[]): ComplexityOutcome {
    const settings = this.settings;
    if (!Array.isArray(messages) || messages.length === 0) {
      throw GatewayError.invalidRequest(
        `router "${settings.routerName}" routes by the messages, and this request has none`,
        'messages',
      );
    }
    const { ask, newestUserText } = readConversation(messages);
    if (ask === null) return this.noAsk();

    if (this.housekeeping.enabled) {
      const housekeeping = this.housekeeping.detect(messages, newestUserText);
      if (housekeeping !== null) {
        const [tier, models] = this.cheapest;
        return {
          decidedTier: null,
          tier,
          models,
          cause: 'housekeeping',
          score: null,
          dimensions: [],
          notes: [`housekeeping (${housekeeping}): cheapest configured tier ${tier}, unscored`],
        };
      }
    }

    const scored = this.scorer.score(ask, messages);
    const { cause, score, dimensions, notes } = scored;
    let tier = scored.tier;

    if (this.conversation.enabled) {
      this.currentMessages = messages;
      const followed = this.conversation.apply(tier, ask, messages);
      this.currentMessages = [];
      if (followed !== null) {
        notes.push(followed.note);
        tier = followed.tier;
      }
    }

    if (newestUserText !== null) {
      const keyword = settings.escalationKeywords.find((candidate) => newestUserText.includes(candidate));
      if (keyword !== undefined) {
        const next = nextConfiguredTier(tier, settings.tiers);
        if (next === null) {
          notes.push(`escalation keyword "${keyword}": no configured tier above ${tier}`);
        } else {
          notes.push(`escalation keyword "${keyword}" moved ${tier} → ${next}`);
          tier = next;
        }
      }
    }

    const models = settings.tiers.get(tier);
    if (models !== undefined) return { decidedTier: tier, tier, models, cause, score, dimensions, notes };
    if (settings.defaultModel !== null) {
      notes.push(`${tier} has no entry in tiers; using default_model ${settings.defaultModel}`);
      return {
        decidedTier: tier,
        tier: null,
        models: [settings.defaultModel],
        cause: 'default_fallback',
        score,
        dimensions,
        notes,
      };
    }
    const medium = settings.tiers.get('MEDIUM');
    if (medium === undefined)
      throw missingTierError(settings.routerName, tier, 'it has neither default_model nor MEDIUM');
    notes.push(`${tier} has no entry in tiers and there is no default_model; using MEDIUM`);
    return {
      decidedTier: tier,
      tier: 'MEDIUM',
      models: medium,
      cause: 'default_fallback',
      score,
      dimensions,
      notes,
    };
  }

  /** No user text anywhere: nothing to score. */
  private noAsk(): ComplexityOutcome {
    const settings = this.settings;
    const unscored = { decidedTier: null, score: null, dimensions: [], cause: 'default_fallback' as const };
    if (settings.defaultModel !== null) {
      return {
        ...unscored,
        tier: null,
        models: [settings.defaultModel],
        notes: [`no user text to score; using default_model ${settings.defaultModel}`],
      };
    }
    const medium = settings.tiers.get('MEDIUM');
    if (medium === undefined) {
      throw new GatewayError(
        500,
        'api_error',
        `router "${settings.routerName}" found no user text to score, and it has neither default_model nor a MEDIUM tier to send such requests to; add one to its complexity_router_config`,
        { code: 'router_tier_missing', retryable: false },
      );
    }
    return { ...unscored, tier: 'MEDIUM', models: medium, notes: ['no user text to score; using MEDIUM'] };
  }
}
