import { TIERS } from '@switchyard/contracts';
import { LearnedClassifier } from '../src/learned/learned-classifier';
import { modelFromFile } from '../src/learned/learned-model';
import type { CorpusAsk } from './routing-corpus';
import { type SoftmaxWeights } from './softmax-regression';
import {
  TRAINING_SETTINGS,
  type TrainingSettings,
  crossValidatedLogits,
  pruneWeights,
  trainModelFile,
} from './train-router';

const PHRASES: Record<(typeof TIERS)[number], string[]> = {
  SIMPLE: ['thanks a lot', 'rename the variable', 'hello there', 'format this file', 'ok cool'],
  MEDIUM: [
    'explain this function',
    'write a unit test for parse',
    'fix the bug in this loop',
    'add a flag to the script',
  ],
  COMPLEX: [
    'migrate the schema across services',
    'add sharding to the queue',
    'refactor auth across modules',
  ],
  REASONING: [
    'why does it deadlock only sometimes',
    'prove the algorithm terminates',
    'weigh the trade-offs of raft',
  ],
};

/** A tiny synthetic corpus: each tier's phrases with a few variations. */
function tinyCorpus(): CorpusAsk[] {
  const asks: CorpusAsk[] = [];
  for (const tier of TIERS) {
    PHRASES[tier].forEach((phrase, index) => {
      for (const suffix of ['', ' please', ' now', '?']) {
        asks.push({
          id: `${tier}:${index}${suffix}`,
          text: `${phrase}${suffix}`,
          tier,
          lang: 'en',
          source: 'a',
        });
      }
    });
  }
  return asks;
}

const SETTINGS: TrainingSettings = { ...TRAINING_SETTINGS, folds: 3, maxIterations: 60 };
const RECORD = {
  trainAsks: 0,
  trainSha256: 'x',
  crossValidation: { folds: 3, seed: 42, exactAgreement: 0, hardToSimple: 0 },
};

describe(trainModelFile.name, () => {
  it('is deterministic: training twice gives byte-identical files', () => {
    const first = JSON.stringify(trainModelFile(tinyCorpus(), SETTINGS, RECORD).file);
    const second = JSON.stringify(trainModelFile(tinyCorpus(), SETTINGS, RECORD).file);
    expect(second).toBe(first);
  });

  it('writes a model that classifies its own training asks', () => {
    const { file } = trainModelFile(tinyCorpus(), SETTINGS, RECORD);
    const sut = new LearnedClassifier(modelFromFile(file));
    expect(sut.classify('thanks a lot').tier).toBe('SIMPLE');
    expect(sut.classify('prove the algorithm terminates').tier).toBe('REASONING');
    expect(file.strongestFeatures.SIMPLE?.length).toBeGreaterThan(0);
  });

  it('cross-validates deterministically for a fixed seed', () => {
    const first = crossValidatedLogits(tinyCorpus(), SETTINGS).map((row) => Array.from(row));
    const second = crossValidatedLogits(tinyCorpus(), SETTINGS).map((row) => Array.from(row));
    expect(second).toEqual(first);
    const reseeded = crossValidatedLogits(tinyCorpus(), { ...SETTINGS, seed: 7 }).map((row) =>
      Array.from(row),
    );
    expect(reseeded).not.toEqual(first);
  });
});

describe(pruneWeights.name, () => {
  it('keeps the buckets with the strongest weights, in bucket order', () => {
    const model: SoftmaxWeights = {
      buckets: Int32Array.from([3, 9, 12]),
      weights: Float64Array.from([0.1, -0.1, 0, 0, 2, -2, 0, 0, 0, 0, 0, 0]),
      bias: new Float64Array(4),
      iterations: 1,
      loss: 0,
    };
    const sut = pruneWeights(model, 1);
    expect(Array.from(sut.buckets)).toEqual([9]);
    expect(Array.from(sut.weights)).toEqual([2, -2, 0, 0]);
    expect(Array.from(pruneWeights(model, 5).buckets)).toEqual([3, 9]);
  });
});
