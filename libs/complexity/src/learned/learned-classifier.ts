import { type DimensionDetail, TIERS, type Tier } from '@switchyard/contracts';
import { FeatureExtractor } from './feature-extractor';
import { FeatureVector } from './feature-vector';
import type { LearnedModel } from './learned-model';

/** What the learned classifier decided for one ask. */
export interface LearnedClassification {
  tier: Tier;
  /** the expected tier index ÷ 3 under the model's probabilities (0 surely SIMPLE, 1 surely REASONING). */
  score: number;
  /** P(SIMPLE), P(MEDIUM), P(COMPLEX), P(REASONING). */
  probabilities: readonly number[];
  /** the strongest features behind the decision, strongest first. */
  features: DimensionDetail[];
}

/**
 * The tier decision from the four logits: `argmax_k (logit_k + qualityBias × tilt × k)`, a tie
 * going to the higher tier. At quality_bias 0 this is the plain argmax. The added term grows
 * with k, so raising quality_bias never lowers the decided tier (for any argmax of f(k) + λk, a
 * larger λ can only move it up).
 */
export function decideTierIndex(logits: ArrayLike<number>, qualityBias: number, tilt: number): number {
  const lambda = qualityBias * tilt;
  let best = 0;
  let bestValue = logits[0];
  for (let tier = 1; tier < 4; tier += 1) {
    const value = logits[tier] + lambda * tier;
    if (value >= bestValue) {
      best = tier;
      bestValue = value;
    }
  }
  return best;
}

/** Softmax of four logits into `into`. */
export function softmax4(logits: ArrayLike<number>, into: Float64Array): Float64Array {
  const maximum = Math.max(logits[0], logits[1], logits[2], logits[3]);
  let sum = 0;
  for (let tier = 0; tier < 4; tier += 1) {
    into[tier] = Math.exp(logits[tier] - maximum);
    sum += into[tier];
  }
  for (let tier = 0; tier < 4; tier += 1) into[tier] /= sum;
  return into;
}

function rounded(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

/**
 * The learned complexity classifier: hashed features → a linear model of four logits → a tier.
 * One instance per model; it reuses its buffers, so it is not re-entrant (a synchronous caller
 * never notices).
 */
export class LearnedClassifier {
  readonly model: LearnedModel;
  private readonly extractor: FeatureExtractor;
  private readonly vector = new FeatureVector();
  private readonly logitBuffer = new Float64Array(4);
  private readonly probabilityBuffer = new Float64Array(4);
  private readonly explainSlots: Int32Array;
  private readonly explainValues: Float64Array;

  /** `explain`: how many features a classification names (the strongest toward its tier). */
  constructor(model: LearnedModel, explain = 6) {
    this.model = model;
    this.extractor = new FeatureExtractor(model.features);
    this.explainSlots = new Int32Array(explain);
    this.explainValues = new Float64Array(explain);
  }

  /** The four logits of `ask` (a buffer reused by the next call). */
  logits(ask: string): Float64Array {
    const vector = this.extractor.extract(ask, this.vector);
    const { weights, bias } = this.model;
    // sums of int16 weight × value, scaled once at the end.
    let simple = 0;
    let medium = 0;
    let complex = 0;
    let reasoning = 0;
    const indices = vector.indices;
    const values = vector.values;
    for (let slot = 0; slot < vector.length; slot += 1) {
      const base = indices[slot] * 4;
      const value = values[slot];
      simple += weights[base] * value;
      medium += weights[base + 1] * value;
      complex += weights[base + 2] * value;
      reasoning += weights[base + 3] * value;
    }
    const logits = this.logitBuffer;
    const scale = this.model.scale;
    logits[0] = bias[0] + simple * scale;
    logits[1] = bias[1] + medium * scale;
    logits[2] = bias[2] + complex * scale;
    logits[3] = bias[3] + reasoning * scale;
    return logits;
  }

  /** The tier index (0 SIMPLE … 3 REASONING) for `ask`, without an explanation. */
  tierIndex(ask: string, qualityBias = 0): number {
    return decideTierIndex(this.logits(ask), qualityBias, this.model.qualityBiasTilt);
  }

  classify(ask: string, qualityBias = 0): LearnedClassification {
    const logits = this.logits(ask);
    const tier = decideTierIndex(logits, qualityBias, this.model.qualityBiasTilt);
    const probabilities = softmax4(logits, this.probabilityBuffer);
    const score = (probabilities[1] + 2 * probabilities[2] + 3 * probabilities[3]) / 3;
    return {
      tier: TIERS[tier],
      score: rounded(score),
      probabilities: Array.from(probabilities, rounded),
      features: this.explain(tier),
    };
  }

  /**
   * The features that push hardest toward `tier`: a feature's contribution is its value times its
   * weight for `tier` less the mean of its four weights (the four contributions of a feature sum
   * to zero, so this is how much it favours `tier` over the others).
   */
  private explain(tier: number): DimensionDetail[] {
    const vector = this.vector;
    const { weights, scale } = this.model;
    const slots = this.explainSlots;
    const best = this.explainValues;
    const capacity = slots.length;
    let kept = 0;
    for (let slot = 0; slot < vector.length; slot += 1) {
      const base = vector.indices[slot] * 4;
      const centered =
        weights[base + tier] -
        (weights[base] + weights[base + 1] + weights[base + 2] + weights[base + 3]) / 4;
      const contribution = centered * vector.values[slot];
      if (contribution <= 0 || (kept === capacity && contribution <= best[capacity - 1])) continue;
      let position = kept < capacity ? kept : capacity - 1;
      while (position > 0 && best[position - 1] < contribution) {
        best[position] = best[position - 1];
        slots[position] = slots[position - 1];
        position -= 1;
      }
      best[position] = contribution;
      slots[position] = slot;
      if (kept < capacity) kept += 1;
    }
    const features: DimensionDetail[] = [];
    for (let rank = 0; rank < kept; rank += 1) {
      const slot = slots[rank];
      const base = vector.indices[slot] * 4;
      const centered =
        weights[base + tier] -
        (weights[base] + weights[base + 1] + weights[base + 2] + weights[base + 3]) / 4;
      const name = `feature:${vector.nameOf(slot)}`;
      // two n-grams can read alike (`<lo` and `lo` both show as "lo"): name each once.
      if (features.some((feature) => feature.name === name)) continue;
      features.push({
        name,
        raw: rounded(best[rank] * scale),
        weight: rounded(centered * scale),
        matched: [vector.textOf(slot) ?? vector.nameOf(slot)],
      });
    }
    return features;
  }
}
