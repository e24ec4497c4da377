import { TIERS } from '@switchyard/contracts';
import { seededRandom } from '../../tools/cross-validation';
import { LearnedClassifier, decideTierIndex, softmax4 } from './learned-classifier';
import { loadLearnedModel } from './learned-model';

const HARD_REASONING =
  'Our payment webhook handler double-charges about 1 in 5,000 orders, only in production. Hypotheses: the provider retries ' +
  'before our 200 goes out, two replicas race on the idempotency check, or the outbox relay republishes after a rebalance. ' +
  'Which is most likely, how would we tell them apart, and what fix is safe under all three?';

describe(decideTierIndex.name, () => {
  it('is the plain argmax at quality_bias 0', () => {
    expect(decideTierIndex([3, 1, 0, -1], 0, 2)).toBe(0);
    expect(decideTierIndex([0, 1, 5, 4.9], 0, 2)).toBe(2);
  });

  it('never lowers the tier as quality_bias grows', () => {
    const random = seededRandom(7);
    const biases = [0, 0.1, 0.25, 0.5, 0.75, 0.9, 1];
    for (let trial = 0; trial < 5_000; trial += 1) {
      const logits = [0, 1, 2, 3].map(() => (random() - 0.5) * 12);
      const tiers = biases.map((bias) => decideTierIndex(logits, bias, 2));
      for (let index = 1; index < tiers.length; index += 1)
        expect(tiers[index]).toBeGreaterThanOrEqual(tiers[index - 1]);
    }
  });

  it('moves a close call up one tier as quality_bias grows', () => {
    expect(decideTierIndex([0, 2, 1.5, -3], 0, 2)).toBe(1);
    expect(decideTierIndex([0, 2, 1.5, -3], 0.5, 2)).toBe(2);
  });
});

describe(softmax4.name, () => {
  it('turns logits into probabilities', () => {
    const probabilities = softmax4([0, 0, 0, Math.log(3)], new Float64Array(4));
    expect(Array.from(probabilities)).toEqual(
      [1 / 6, 1 / 6, 1 / 6, 0.5].map((value) => expect.closeTo(value, 12)),
    );
  });
});

describe(LearnedClassifier.name, () => {
  const sut = new LearnedClassifier(loadLearnedModel());

  it.each([
    ['thanks!', 'SIMPLE'],
    ['hello', 'SIMPLE'],
    ['rename `getUser` to `fetchUser` in src/api/users.ts', 'SIMPLE'],
    ['write unit tests for the parseDuration function in utils/time.ts', 'MEDIUM'],
    [
      'add multi-tenant support across the API, the Postgres schema and the background workers: tenant id on every table, row-level security, and a migration for existing data',
      'COMPLEX',
    ],
    [HARD_REASONING, 'REASONING'],
  ])('%j → %s', (ask, tier) => {
    expect(sut.classify(ask).tier).toBe(tier);
  });

  it('scores the expected tier ÷ 3, in [0, 1], and gives probabilities that sum to 1', () => {
    const easy = sut.classify('thanks!');
    const hard = sut.classify(HARD_REASONING);
    expect(easy.score).toBeGreaterThanOrEqual(0);
    expect(hard.score).toBeLessThanOrEqual(1);
    expect(hard.score).toBeGreaterThan(easy.score);
    const sum = hard.probabilities.reduce((total, probability) => total + probability, 0);
    expect(sum).toBeCloseTo(1, 3);
    const expected =
      hard.probabilities.reduce((total, probability, tier) => total + tier * probability, 0) / 3;
    expect(hard.score).toBeCloseTo(expected, 3);
  });

  it('explains the decision with its strongest features, strongest first', () => {
    const { features, tier } = sut.classify(HARD_REASONING);
    expect(tier).toBe('REASONING');
    expect(features.length).toBeGreaterThan(0);
    expect(features.length).toBeLessThanOrEqual(6);
    for (const feature of features) {
      expect(feature.name).toMatch(
        /^feature:(word|bigram|subword|script|code|error|path|question|length|lead|cue):/,
      );
      expect(feature.raw).toBeGreaterThan(0);
      expect(feature.matched).toHaveLength(1);
    }
    const contributions = features.map((feature) => feature.raw);
    expect([...contributions].sort((left, right) => right - left)).toEqual(contributions);
  });

  it('never lowers a tier as quality_bias grows, on real asks', () => {
    const asks = [
      'thanks',
      'fix the flaky test',
      'why is the p99 latency up since the deploy?',
      HARD_REASONING,
    ];
    for (const ask of asks) {
      const tiers = [0, 0.25, 0.5, 0.75, 1].map((bias) => TIERS.indexOf(sut.classify(ask, bias).tier));
      for (let index = 1; index < tiers.length; index += 1)
        expect(tiers[index]).toBeGreaterThanOrEqual(tiers[index - 1]);
    }
  });

  it('gives the same answer for the same ask, whatever came before', () => {
    const first = sut.classify(HARD_REASONING);
    sut.classify('something else');
    expect(sut.classify(HARD_REASONING)).toEqual(first);
  });
});
