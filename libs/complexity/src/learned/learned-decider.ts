import { type ChatMessage, GatewayError, type RouteCause, type Tier } from '@switchyard/contracts';
import { readConversation } from '../ask';
import type { ComplexitySettings } from '../complexity-settings';
import { type ComplexityOutcome, missingTierError } from '../decide';
import { HousekeepingDetector } from '../housekeeping';
import { nextConfiguredTier } from '../tier-order';
import { LearnedClassifier } from './learned-classifier';
import { type LearnedModel, loadLearnedModel } from './learned-model';

/**
 * The complexity step of a router whose config says `classifier_type: learned`. Only the scoring
 * differs from the heuristic `ComplexityDecider`: no ask → default; housekeeping → cheapest
 * configured tier, unscored; escalation keywords; a decided tier without an entry →
 * `default_model`, else MEDIUM, else an error. The ask (never the system prompt or the history)
 * goes to the learned model, which gives the tier (cause `learned`), the score (expected tier ÷
 * 3) and the strongest features as dimensions. The heuristic's weights, boundaries and keyword
 * lists do not apply.
 */
export class LearnedDecider {
  private readonly classifier: LearnedClassifier;
  private readonly housekeeping: HousekeepingDetector;
  private readonly cheapest: readonly [Tier, readonly string[]];

  constructor(
    private readonly settings: ComplexitySettings,
    model: LearnedModel = loadLearnedModel(),
  ) {
    this.classifier = new LearnedClassifier(model);
    this.housekeeping = new HousekeepingDetector(settings.housekeepingPatterns);
    const cheapest = [...settings.tiers][0];
    if (cheapest === undefined) throw new Error(`router "${settings.routerName}" has no tiers`);
    this.cheapest = cheapest;
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

    const classification = this.classifier.classify(ask, settings.qualityBias);
    const score = classification.score;
    const dimensions = classification.features;
    const [pSimple, pMedium, pComplex, pReasoning] = classification.probabilities;
    const notes = [
      `learned: P(SIMPLE) ${pSimple}, P(MEDIUM) ${pMedium}, P(COMPLEX) ${pComplex}, P(REASONING) ${pReasoning}; quality_bias ${settings.qualityBias} → ${classification.tier}`,
    ];
    let tier = classification.tier;
    const cause: RouteCause = 'learned';

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
