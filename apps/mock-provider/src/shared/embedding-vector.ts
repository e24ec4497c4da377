import { createRandom, fnv1a32 } from './hash';

export const DEFAULT_EMBEDDING_DIMENSIONS = 8;

/**
 * THE EMBEDDING RULE: a unit-length vector of `dimensions` numbers, deterministic in the input
 * text: values drawn uniformly from [-1, 1) by xorshift32 seeded with FNV-1a-32 of the text, then
 * divided by the vector's Euclidean norm. The same text always gives the same vector.
 */
export function embeddingVector(text: string, dimensions = DEFAULT_EMBEDDING_DIMENSIONS): number[] {
  const random = createRandom(fnv1a32(text));
  const values: number[] = [];
  let squares = 0;
  for (let index = 0; index < dimensions; index += 1) {
    const value = random() * 2 - 1;
    values.push(value);
    squares += value * value;
  }
  const norm = Math.sqrt(squares) || 1;
  return values.map((value) => value / norm);
}

/** The vector as OpenAI's `encoding_format: "base64"` sends it: little-endian float32, base64. */
export function embeddingBase64(vector: readonly number[]): string {
  const buffer = Buffer.alloc(vector.length * 4);
  vector.forEach((value, index) => buffer.writeFloatLE(value, index * 4));
  return buffer.toString('base64');
}
