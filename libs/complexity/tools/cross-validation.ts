/** Deterministic helpers for model selection: a seeded PRNG and stratified k-fold assignment. */

/** Mulberry32: a small, fast, seeded 32-bit PRNG; the same seed gives the same sequence. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Fold of each example (0 … folds−1): within each label, a seeded shuffle dealt round-robin, so
 * every fold holds the same share of every label.
 */
export function stratifiedFolds(labels: readonly number[], folds: number, seed: number): Int32Array {
  const random = seededRandom(seed);
  const assignment = new Int32Array(labels.length);
  const byLabel = new Map<number, number[]>();
  labels.forEach((label, index) => {
    const members = byLabel.get(label) ?? [];
    members.push(index);
    byLabel.set(label, members);
  });
  let offset = 0;
  for (const label of [...byLabel.keys()].sort((left, right) => left - right)) {
    const members = byLabel.get(label) ?? [];
    for (let index = members.length - 1; index > 0; index -= 1) {
      const other = Math.floor(random() * (index + 1));
      [members[index], members[other]] = [members[other], members[index]];
    }
    members.forEach((member, position) => {
      assignment[member] = (position + offset) % folds;
    });
    offset += members.length;
  }
  return assignment;
}
