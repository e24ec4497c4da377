import type { ChatMessage } from '@switchyard/contracts';
import type { ComplexitySettings } from './complexity-settings';
import type { ScoredAsk, TierScorer } from './decide';
import { LearnedClassifier } from './learned/learned-classifier';
import { type LearnedModel, loadLearnedModel } from './learned/learned-model';

/**
 * The tier scorer of `classifier_type: learned`: the ask (never the system prompt or the history)
 * goes to the learned model, which gives the tier (cause `learned`), the score (expected tier ÷ 3)
 * and the strongest features as dimensions. The heuristic's weights, boundaries and keyword lists
 * do not apply; everything around scoring (housekeeping, escalation, tier mapping) is the same
 * `ComplexityDecider`.
 */
export class LearnedTierScorer implements TierScorer {
  private readonly classifier: LearnedClassifier;

  constructor(
    private readonly settings: ComplexitySettings,
    model: LearnedModel = loadLearnedModel(),
  ) {
    this.classifier = new LearnedClassifier(model);
  }

  score(ask: string, _messages: readonly ChatMessage[]): ScoredAsk {
    const classification = this.classifier.classify(ask, this.settings.qualityBias);
    const [pSimple, pMedium, pComplex, pReasoning] = classification.probabilities;
    return {
      tier: classification.tier,
      cause: 'learned',
      score: classification.score,
      dimensions: classification.features,
      notes: [
        `learned: P(SIMPLE) ${pSimple}, P(MEDIUM) ${pMedium}, P(COMPLEX) ${pComplex}, P(REASONING) ${pReasoning}; quality_bias ${this.settings.qualityBias} → ${classification.tier}`,
      ],
    };
  }
}
