import { TIERS, type Tier } from '@switchyard/contracts';
import { type AugmentOptions, augment } from './augment';
import { stratifiedFolds } from './cross-validation';
import { FeatureExtractor } from '../src/learned/feature-extractor';
import { DEFAULT_FEATURE_OPTIONS, type FeatureOptions } from '../src/learned/feature-options';
import { FeatureVector } from '../src/learned/feature-vector';
import { decideTierIndex } from '../src/learned/learned-classifier';
import { LEARNED_MODEL_FORMAT, type LearnedModelFile, encodeWeights } from '../src/learned/learned-model';
import { type CorpusAsk, tierIndex } from './routing-corpus';
import {
  type SoftmaxOptions,
  type SparseExample,
  type SoftmaxWeights,
  trainSoftmax,
} from './softmax-regression';

/** Everything that decides the model, chosen by cross-validation on the train split only. */
export interface TrainingSettings {
  features: FeatureOptions;
  /** L2 penalty per example. */
  l2: number;
  maxIterations: number;
  /** extra loss on P(SIMPLE) of COMPLEX and REASONING examples (see `SoftmaxOptions`). */
  hardSimplePenalty: number;
  /** extra loss on P(COMPLEX) + P(REASONING) of SIMPLE examples (see `SoftmaxOptions`). */
  simpleHardPenalty: number;
  /** log-odds per tier step added at quality_bias 1. */
  qualityBiasTilt: number;
  /** at most this many buckets go into the file (the strongest by the norm of their four weights). */
  maxBuckets: number;
  /**
   * added to the four biases of the trained model (SIMPLE, MEDIUM, COMPLEX, REASONING): the
   * decision thresholds, chosen by `npm run calibrate:router` on corpus A's train split alone.
   */
  tierOffsets?: readonly [number, number, number, number];
  /** style transforms of the training asks (each fold's training part only, in cross-validation). */
  augment?: AugmentOptions;
  folds: number;
  /** seeds the fold assignment of cross-validation (training itself uses no random numbers). */
  seed: number;
}

/**
 * The chosen settings. Each was picked by 5-fold cross-validation on the train split (see
 * docs/routing.md): the ablation dropped `path` (it lowered agreement) and `bigram` (no gain, more
 * features); character 3-grams did as well as 3–5-grams; words inside fenced code add nothing the
 * code features do not, so they are skipped (which keeps long pastes cheap).
 */
export const TRAINING_SETTINGS: Readonly<TrainingSettings> = {
  features: {
    ...DEFAULT_FEATURE_OPTIONS,
    groups: ['word', 'subword', 'script', 'code', 'error', 'question', 'length', 'lead', 'cue'],
    subwordMin: 3,
    subwordMax: 3,
    codeWords: 'skip',
    pasteWords: 'skip',
    contextValue: 0.25,
  },
  augment: { transforms: ['lowercase', 'typos', 'terse', 'tool', 'verbose', 'issue'], weight: 0.5 },
  // from `npm run calibrate:router` (5-fold CV on corpus A's train split only).
  tierOffsets: [-0.25, 0, -0.5, -0.25],
  l2: 1e-4,
  maxIterations: 150,
  hardSimplePenalty: 10,
  simpleHardPenalty: 2,
  qualityBiasTilt: 2,
  maxBuckets: 120_000,
  folds: 5,
  seed: 42,
};

/** The sparse feature vectors of labelled asks (each with its weight when given). */
export function featurize(
  asks: readonly CorpusAsk[],
  features: FeatureOptions,
  weights?: readonly number[],
): SparseExample[] {
  const extractor = new FeatureExtractor(features);
  const vector = new FeatureVector();
  return asks.map((ask, index) => {
    const example: SparseExample = {
      ...extractor.extract(ask.text, vector).toSparse(),
      label: tierIndex(ask.tier),
    };
    if (weights !== undefined && weights[index] !== 1) example.weight = weights[index];
    return example;
  });
}

/** The training examples of `asks`: the asks themselves and their style transforms (`settings.augment`). */
export function trainingExamples(asks: readonly CorpusAsk[], settings: TrainingSettings): SparseExample[] {
  const weighted = augment(asks, settings.augment);
  return featurize(
    weighted.map((entry) => entry.ask),
    settings.features,
    weighted.map((entry) => entry.weight),
  );
}

/** Keeps the `maxBuckets` buckets whose four weights have the largest norm (ties: lower bucket). */
export function pruneWeights(
  model: SoftmaxWeights,
  maxBuckets: number,
): { buckets: Int32Array; weights: Float64Array } {
  const count = model.buckets.length;
  const order = Array.from({ length: count }, (_, index) => index);
  const norms = new Float64Array(count);
  for (let index = 0; index < count; index += 1) {
    let sum = 0;
    for (let tier = 0; tier < 4; tier += 1) sum += model.weights[index * 4 + tier] ** 2;
    norms[index] = sum;
  }
  const kept = (
    count <= maxBuckets
      ? order
      : order.sort((left, right) => norms[right] - norms[left] || left - right).slice(0, maxBuckets)
  )
    .filter((index) => norms[index] > 0)
    .sort((left, right) => model.buckets[left] - model.buckets[right]);
  const buckets = Int32Array.from(kept, (index) => model.buckets[index]);
  const weights = new Float64Array(kept.length * 4);
  kept.forEach((index, position) => {
    for (let tier = 0; tier < 4; tier += 1) weights[position * 4 + tier] = model.weights[index * 4 + tier];
  });
  return { buckets, weights };
}

/** The four logits of a sparse example under trained (possibly pruned) weights. */
export function logitsOf(
  example: Pick<SparseExample, 'indices' | 'values'>,
  columns: ReadonlyMap<number, number>,
  weights: Float64Array,
  bias: ArrayLike<number>,
): Float64Array {
  const logits = Float64Array.from(bias);
  example.indices.forEach((bucket, slot) => {
    const column = columns.get(bucket);
    if (column === undefined) return;
    for (let tier = 0; tier < 4; tier += 1) logits[tier] += weights[column * 4 + tier] * example.values[slot];
  });
  return logits;
}

function columnsOf(buckets: Int32Array): Map<number, number> {
  const columns = new Map<number, number>();
  buckets.forEach((bucket, column) => columns.set(bucket, column));
  return columns;
}

/** The optimizer's options of a set of training settings. */
export function softmaxOptionsOf(settings: TrainingSettings): SoftmaxOptions {
  return {
    l2: settings.l2,
    maxIterations: settings.maxIterations,
    hardSimplePenalty: settings.hardSimplePenalty,
    simpleHardPenalty: settings.simpleHardPenalty,
  };
}

/** Out-of-fold logits of every ask: k-fold cross-validation on the given (train) asks. */
export function crossValidatedLogits(asks: readonly CorpusAsk[], settings: TrainingSettings): Float64Array[] {
  const examples = featurize(asks, settings.features);
  const folds = stratifiedFolds(
    examples.map((example) => example.label),
    settings.folds,
    settings.seed,
  );
  const logits: Float64Array[] = new Array<Float64Array>(examples.length);
  for (let fold = 0; fold < settings.folds; fold += 1) {
    const model = trainSoftmax(
      trainingExamples(
        asks.filter((_, index) => folds[index] !== fold),
        settings,
      ),
      softmaxOptionsOf(settings),
    );
    const pruned = pruneWeights(model, settings.maxBuckets);
    const columns = columnsOf(pruned.buckets);
    examples.forEach((example, index) => {
      if (folds[index] === fold)
        logits[index] = logitsOf(example, columns, pruned.weights, biasOf(model, settings));
    });
  }
  return logits;
}

/** The trained biases plus the settings' `tierOffsets` (what the model file holds). */
function biasOf(model: SoftmaxWeights, settings: TrainingSettings): Float64Array {
  return Float64Array.from(model.bias, (value, tier) => value + (settings.tierOffsets?.[tier] ?? 0));
}

/** Tier indices decided from logits at a quality_bias. */
export function decisionsOf(logits: readonly Float64Array[], qualityBias: number, tilt: number): number[] {
  return logits.map((row) => decideTierIndex(row, qualityBias, tilt));
}

/** Metadata recorded in the model file (no timestamps: the file is byte-identical run to run). */
export interface TrainingRecord {
  trainAsks: number;
  trainSha256: string;
  /** absent when the run skipped cross-validation (`--from-log`). */
  crossValidation?: { folds: number; seed: number; exactAgreement: number; hardToSimple: number };
  /** `--from-log`: the owner's labelled asks added to the train split, and how often each counted. */
  ownerLabels?: { asks: number; weight: number; sha256: string };
}

/** Trains on every given ask and returns the model file's content. */
export function trainModelFile(
  asks: readonly CorpusAsk[],
  settings: TrainingSettings,
  record: TrainingRecord,
): { file: LearnedModelFile; iterations: number; loss: number; usedBuckets: number } {
  const examples = trainingExamples(asks, settings);
  const model = trainSoftmax(examples, softmaxOptionsOf(settings));
  const pruned = pruneWeights(model, settings.maxBuckets);
  const file: LearnedModelFile = {
    format: LEARNED_MODEL_FORMAT,
    tiers: ['SIMPLE', 'MEDIUM', 'COMPLEX', 'REASONING'],
    features: settings.features,
    qualityBiasTilt: settings.qualityBiasTilt,
    bias: Array.from(biasOf(model, settings), (value) => Number(value.toFixed(6))),
    weights: encodeWeights(pruned),
    training: {
      algorithm: 'multinomial logistic regression, L2, full-batch L-BFGS',
      l2: settings.l2,
      hardSimplePenalty: settings.hardSimplePenalty,
      simpleHardPenalty: settings.simpleHardPenalty,
      maxIterations: settings.maxIterations,
      ...(settings.augment === undefined ? {} : { augment: settings.augment }),
      ...(settings.tierOffsets === undefined ? {} : { tierOffsets: settings.tierOffsets }),
      iterations: model.iterations,
      ...record,
    },
    strongestFeatures: strongestFeatures(asks, settings.features, pruned),
  };
  return { file, iterations: model.iterations, loss: model.loss, usedBuckets: model.buckets.length };
}

/** For people reading the file: the 20 features that favour each tier most (a bucket's first name seen). */
function strongestFeatures(
  asks: readonly CorpusAsk[],
  features: FeatureOptions,
  weights: { buckets: Int32Array; weights: Float64Array },
): Partial<Record<Tier, string[]>> {
  const extractor = new FeatureExtractor(features);
  const vector = new FeatureVector();
  const names = new Map<number, string>();
  for (const ask of asks) {
    extractor.extract(ask.text, vector);
    for (let slot = 0; slot < vector.length; slot += 1) {
      if (!names.has(vector.indices[slot])) names.set(vector.indices[slot], vector.nameOf(slot));
    }
  }
  const strongest: Partial<Record<Tier, string[]>> = {};
  TIERS.forEach((tier, tierPosition) => {
    const ranked = Array.from(weights.buckets, (bucket, index) => ({
      bucket,
      weight: weights.weights[index * 4 + tierPosition],
    })).sort((left, right) => right.weight - left.weight || left.bucket - right.bucket);
    strongest[tier] = ranked
      .slice(0, 20)
      .map(({ bucket, weight }) => `${names.get(bucket) ?? `bucket ${bucket}`} (${weight.toFixed(3)})`);
  });
  return strongest;
}
