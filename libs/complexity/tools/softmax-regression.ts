/**
 * Multinomial logistic regression (softmax) over the four tiers with an L2 penalty, trained
 * full-batch with L-BFGS: no random numbers, so the same examples in the same order give the same
 * weights, bit for bit. Only buckets that occur in the training examples get a column.
 */

const CLASSES = 4;

/** One training example: a sparse feature vector (bucket, value) and its class. */
export interface SparseExample {
  indices: Int32Array;
  values: Float32Array;
  label: number;
  /** how much the example counts in the loss (default 1). */
  weight?: number;
}

export interface SoftmaxOptions {
  /** L2 penalty on the feature weights (not the biases), per example. */
  l2: number;
  /**
   * The asymmetric cost: a COMPLEX or REASONING example (label ≥ 2) also pays
   * `hardSimplePenalty × −log(1 − P(SIMPLE))`, so the model learns to keep SIMPLE away from hard asks.
   */
  hardSimplePenalty?: number;
  /**
   * The other costly error: a SIMPLE example (label 0) also pays
   * `simpleHardPenalty × −log(P(SIMPLE) + P(MEDIUM))`, so the model keeps trivial asks away from
   * the expensive tiers.
   */
  simpleHardPenalty?: number;
  maxIterations?: number;
  /** stop when the largest gradient entry falls below this. */
  tolerance?: number;
  /** L-BFGS history length. */
  memory?: number;
}

/** The trained model: `weights[column * 4 + tier]` for bucket `buckets[column]` (ascending). */
export interface SoftmaxWeights {
  buckets: Int32Array;
  weights: Float64Array;
  bias: Float64Array;
  iterations: number;
  loss: number;
}

interface CompactExample {
  columns: Int32Array;
  values: Float64Array;
  label: number;
  weight: number;
}

function compact(examples: readonly SparseExample[]): { buckets: Int32Array; rows: CompactExample[] } {
  const used = new Set<number>();
  for (const example of examples) for (const index of example.indices) used.add(index);
  const buckets = Int32Array.from([...used].sort((left, right) => left - right));
  const columnOf = new Map<number, number>();
  buckets.forEach((bucket, column) => columnOf.set(bucket, column));
  const rows = examples.map((example) => ({
    columns: Int32Array.from(example.indices, (index) => columnOf.get(index) ?? -1),
    values: Float64Array.from(example.values),
    label: example.label,
    weight: example.weight ?? 1,
  }));
  return { buckets, rows };
}

/** Loss and gradient of the penalized softmax objective at `parameters` (weights, then biases); four classes. */
function evaluate(
  parameters: Float64Array,
  gradient: Float64Array,
  rows: readonly CompactExample[],
  featureCount: number,
  l2: number,
  hardSimplePenalty: number,
  simpleHardPenalty: number,
): number {
  gradient.fill(0);
  const biasOffset = featureCount * 4;
  let totalWeight = 0;
  let loss = 0;
  for (let row = 0; row < rows.length; row += 1) {
    const example = rows[row];
    const columns = example.columns;
    const values = example.values;
    const label = example.label;
    const weight = example.weight;
    const count = columns.length;
    totalWeight += weight;
    let logit0 = parameters[biasOffset];
    let logit1 = parameters[biasOffset + 1];
    let logit2 = parameters[biasOffset + 2];
    let logit3 = parameters[biasOffset + 3];
    for (let slot = 0; slot < count; slot += 1) {
      const base = columns[slot] << 2;
      const value = values[slot];
      logit0 += parameters[base] * value;
      logit1 += parameters[base + 1] * value;
      logit2 += parameters[base + 2] * value;
      logit3 += parameters[base + 3] * value;
    }
    const maximum = Math.max(logit0, logit1, logit2, logit3);
    const logSum =
      Math.log(
        Math.exp(logit0 - maximum) +
          Math.exp(logit1 - maximum) +
          Math.exp(logit2 - maximum) +
          Math.exp(logit3 - maximum),
      ) + maximum;
    loss += weight * (logSum - (label === 0 ? logit0 : label === 1 ? logit1 : label === 2 ? logit2 : logit3));
    const p0 = Math.exp(logit0 - logSum);
    const p1 = Math.exp(logit1 - logSum);
    const p2 = Math.exp(logit2 - logSum);
    const p3 = Math.exp(logit3 - logSum);
    let delta0 = weight * (p0 - (label === 0 ? 1 : 0));
    let delta1 = weight * (p1 - (label === 1 ? 1 : 0));
    let delta2 = weight * (p2 - (label === 2 ? 1 : 0));
    let delta3 = weight * (p3 - (label === 3 ? 1 : 0));
    if (label >= 2 && hardSimplePenalty > 0) {
      // −log(1 − p0) = log Σ exp − log(exp₁ + exp₂ + exp₃); its gradient: p0/(1−p0) · (δ₀ − p).
      const rest = Math.max(1 - p0, 1e-300);
      loss += weight * hardSimplePenalty * -Math.log(rest);
      const scale = (weight * hardSimplePenalty * p0) / rest;
      delta0 += scale * (1 - p0);
      delta1 -= scale * p1;
      delta2 -= scale * p2;
      delta3 -= scale * p3;
    }
    if (label === 0 && simpleHardPenalty > 0) {
      // −log(p0 + p1); its gradient: p_k − p_k/(p0 + p1) for k ∈ {0, 1}, p_k for k ∈ {2, 3}.
      const cheap = Math.max(p0 + p1, 1e-300);
      const scale = weight * simpleHardPenalty;
      loss += scale * -Math.log(cheap);
      delta0 += scale * (p0 - p0 / cheap);
      delta1 += scale * (p1 - p1 / cheap);
      delta2 += scale * p2;
      delta3 += scale * p3;
    }
    gradient[biasOffset] += delta0;
    gradient[biasOffset + 1] += delta1;
    gradient[biasOffset + 2] += delta2;
    gradient[biasOffset + 3] += delta3;
    for (let slot = 0; slot < count; slot += 1) {
      const base = columns[slot] << 2;
      const value = values[slot];
      gradient[base] += delta0 * value;
      gradient[base + 1] += delta1 * value;
      gradient[base + 2] += delta2 * value;
      gradient[base + 3] += delta3 * value;
    }
  }
  const scale = 1 / totalWeight;
  let penalty = 0;
  for (let index = 0; index < gradient.length; index += 1) gradient[index] *= scale;
  for (let index = 0; index < biasOffset; index += 1) {
    const parameter = parameters[index];
    penalty += parameter * parameter;
    gradient[index] += l2 * parameter;
  }
  return loss * scale + 0.5 * l2 * penalty;
}

function dot(left: Float64Array, right: Float64Array): number {
  let sum = 0;
  for (let index = 0; index < left.length; index += 1) sum += left[index] * right[index];
  return sum;
}

/** target += coefficient × source */
function addScaled(target: Float64Array, coefficient: number, source: Float64Array): void {
  for (let index = 0; index < target.length; index += 1) target[index] += coefficient * source[index];
}

function largestMagnitude(values: Float64Array): number {
  let largest = 0;
  for (let index = 0; index < values.length; index += 1) {
    const magnitude = Math.abs(values[index]);
    if (magnitude > largest) largest = magnitude;
  }
  return largest;
}

/** The last `memory` steps and gradient changes of L-BFGS, buffers reused once full. */
class CurvatureHistory {
  private readonly steps: Float64Array[] = [];
  private readonly changes: Float64Array[] = [];
  private readonly rhos: number[] = [];
  private readonly alphas: Float64Array;

  constructor(
    private readonly memory: number,
    private readonly size: number,
  ) {
    this.alphas = new Float64Array(memory);
  }

  clear(): void {
    this.steps.length = 0;
    this.changes.length = 0;
    this.rhos.length = 0;
  }

  /** Records the move from (x, g) to (x′, g′) when it has positive curvature. */
  record(
    parameters: Float64Array,
    next: Float64Array,
    gradient: Float64Array,
    nextGradient: Float64Array,
  ): void {
    const full = this.steps.length === this.memory;
    const step = full ? (this.steps.shift() ?? new Float64Array(this.size)) : new Float64Array(this.size);
    const change = full ? (this.changes.shift() ?? new Float64Array(this.size)) : new Float64Array(this.size);
    if (full) this.rhos.shift();
    for (let index = 0; index < step.length; index += 1) {
      step[index] = next[index] - parameters[index];
      change[index] = nextGradient[index] - gradient[index];
    }
    const curvature = dot(step, change);
    if (curvature <= 1e-12) return;
    this.steps.push(step);
    this.changes.push(change);
    this.rhos.push(1 / curvature);
  }

  /** direction = −H·gradient by the two-loop recursion (steepest descent, normalized, when empty). */
  direction(gradient: Float64Array, direction: Float64Array): void {
    const { steps, changes, rhos, alphas } = this;
    for (let index = 0; index < direction.length; index += 1) direction[index] = -gradient[index];
    if (steps.length === 0) {
      const norm = Math.sqrt(dot(gradient, gradient));
      if (norm > 1) for (let index = 0; index < direction.length; index += 1) direction[index] /= norm;
      return;
    }
    for (let back = steps.length - 1; back >= 0; back -= 1) {
      alphas[back] = rhos[back] * dot(steps[back], direction);
      addScaled(direction, -alphas[back], changes[back]);
    }
    const last = steps.length - 1;
    const gamma = dot(steps[last], changes[last]) / dot(changes[last], changes[last]);
    for (let index = 0; index < direction.length; index += 1) direction[index] *= gamma;
    for (let forward = 0; forward < steps.length; forward += 1) {
      const beta = rhos[forward] * dot(changes[forward], direction);
      addScaled(direction, alphas[forward] - beta, steps[forward]);
    }
  }
}

/** Trains the model; deterministic in `examples` (their order included) and `options`. */
export function trainSoftmax(examples: readonly SparseExample[], options: SoftmaxOptions): SoftmaxWeights {
  const l2 = options.l2;
  const hardSimplePenalty = options.hardSimplePenalty ?? 0;
  const simpleHardPenalty = options.simpleHardPenalty ?? 0;
  const maxIterations = options.maxIterations ?? 300;
  const tolerance = options.tolerance ?? 1e-5;
  const { buckets, rows } = compact(examples);
  const featureCount = buckets.length;
  const size = featureCount * CLASSES + CLASSES;
  const history = new CurvatureHistory(options.memory ?? 8, size);
  const direction = new Float64Array(size);
  let parameters = new Float64Array(size);
  let gradient = new Float64Array(size);
  let candidate = new Float64Array(size);
  let candidateGradient = new Float64Array(size);
  let loss = evaluate(parameters, gradient, rows, featureCount, l2, hardSimplePenalty, simpleHardPenalty);
  let iteration = 0;
  while (iteration < maxIterations && largestMagnitude(gradient) >= tolerance) {
    iteration += 1;
    history.direction(gradient, direction);
    const slope = dot(direction, gradient);
    if (slope >= 0) {
      // not a descent direction: forget the curvature and take steepest descent.
      history.clear();
      continue;
    }
    // backtracking line search (Armijo).
    let stepSize = 1;
    let candidateLoss = Number.POSITIVE_INFINITY;
    for (let trial = 0; trial < 30; trial += 1) {
      candidate.set(parameters);
      addScaled(candidate, stepSize, direction);
      candidateLoss = evaluate(
        candidate,
        candidateGradient,
        rows,
        featureCount,
        l2,
        hardSimplePenalty,
        simpleHardPenalty,
      );
      if (candidateLoss <= loss + 1e-4 * stepSize * slope) break;
      stepSize *= 0.5;
    }
    if (!(candidateLoss < loss)) break;
    history.record(parameters, candidate, gradient, candidateGradient);
    const improvement = loss - candidateLoss;
    [parameters, candidate] = [candidate, parameters];
    [gradient, candidateGradient] = [candidateGradient, gradient];
    loss = candidateLoss;
    if (improvement < 1e-10 * Math.max(1, Math.abs(loss))) break;
  }
  const biasOffset = featureCount * CLASSES;
  return {
    buckets,
    weights: parameters.slice(0, biasOffset),
    bias: parameters.slice(biasOffset),
    iterations: iteration,
    loss,
  };
}
