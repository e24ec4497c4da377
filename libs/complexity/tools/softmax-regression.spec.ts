import { type SparseExample, trainSoftmax } from './softmax-regression';

/** A tiny synthetic problem: bucket 10·k (plus noise buckets) marks tier k. */
function syntheticExamples(): SparseExample[] {
  const examples: SparseExample[] = [];
  for (let index = 0; index < 40; index += 1) {
    const label = index % 4;
    const noise = 100 + ((index * 7) % 13);
    examples.push({
      indices: Int32Array.from([label * 10, noise, 1_000]),
      values: Float32Array.from([1, 0.5, 0.25]),
      label,
    });
  }
  return examples;
}

function argmax(model: ReturnType<typeof trainSoftmax>, bucket: number): number {
  const column = Array.from(model.buckets).indexOf(bucket);
  const logits = Array.from(model.bias, (bias, tier) => bias + model.weights[column * 4 + tier]);
  return logits.indexOf(Math.max(...logits));
}

describe(trainSoftmax.name, () => {
  it('learns a separable problem', () => {
    const sut = trainSoftmax(syntheticExamples(), { l2: 1e-3 });
    expect(Array.from(sut.buckets)).toEqual([
      0, 10, 20, 30, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 1000,
    ]);
    for (let tier = 0; tier < 4; tier += 1) expect(argmax(sut, tier * 10)).toBe(tier);
    expect(sut.loss).toBeLessThan(0.2);
  });

  it('is deterministic: the same examples give the same weights, bit for bit', () => {
    const first = trainSoftmax(syntheticExamples(), { l2: 1e-3 });
    const second = trainSoftmax(syntheticExamples(), { l2: 1e-3 });
    expect(Buffer.from(second.weights.buffer)).toEqual(Buffer.from(first.weights.buffer));
    expect(Array.from(second.bias)).toEqual(Array.from(first.bias));
    expect(second.iterations).toBe(first.iterations);
  });

  it("shrinks weights as the L2 penalty grows, and keeps each bucket's weights centred", () => {
    const loose = trainSoftmax(syntheticExamples(), { l2: 1e-4 });
    const tight = trainSoftmax(syntheticExamples(), { l2: 1e-1 });
    const norm = (weights: Float64Array): number =>
      Math.sqrt(weights.reduce((sum, weight) => sum + weight * weight, 0));
    expect(norm(tight.weights)).toBeLessThan(norm(loose.weights));
    for (let column = 0; column < loose.buckets.length; column += 1) {
      const sum = [0, 1, 2, 3].reduce((total, tier) => total + loose.weights[column * 4 + tier], 0);
      expect(Math.abs(sum)).toBeLessThan(1e-3);
    }
  });

  it('weighs examples: a heavier tier wins a shared feature', () => {
    const shared = (label: number, weight: number): SparseExample => ({
      indices: Int32Array.from([7]),
      values: Float32Array.from([1]),
      label,
      weight,
    });
    const sut = trainSoftmax([shared(0, 1), shared(2, 3)], { l2: 1e-3 });
    expect(argmax(sut, 7)).toBe(2);
  });

  it('moves probability off COMPLEX and REASONING for SIMPLE examples with simpleHardPenalty', () => {
    // one feature shared by a SIMPLE and a REASONING example: without the penalty they split it.
    const shared = (label: number): SparseExample => ({
      indices: Int32Array.from([7]),
      values: Float32Array.from([1]),
      label,
    });
    const examples = [shared(0), shared(3), shared(0), shared(3)];
    const probabilities = (model: ReturnType<typeof trainSoftmax>): number[] => {
      const logits = Array.from(model.bias, (bias, tier) => bias + model.weights[tier]);
      const sum = logits.reduce((total, logit) => total + Math.exp(logit), 0);
      return logits.map((logit) => Math.exp(logit) / sum);
    };
    const plain = probabilities(trainSoftmax(examples, { l2: 1e-3 }));
    const penalized = probabilities(trainSoftmax(examples, { l2: 1e-3, simpleHardPenalty: 4 }));
    expect(penalized[2] + penalized[3]).toBeLessThan(plain[2] + plain[3]);
    expect(penalized[0]).toBeGreaterThan(plain[0]);
  });
});
