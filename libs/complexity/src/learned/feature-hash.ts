/**
 * 32-bit hashing for the learned classifier: FNV-1a over UTF-16 code units, read in place from a
 * string (no substring), finished with MurmurHash3's mixer so that the low bits used as a bucket
 * are well spread. Every feature group hashes from its own seed, so a word and a character
 * n-gram with the same letters land in different buckets.
 */

export const FNV_OFFSET = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;

/** One FNV-1a step. */
export function hashStep(hash: number, code: number): number {
  return Math.imul(hash ^ code, FNV_PRIME);
}

/** FNV-1a of `text[start, end)`, continuing from `hash`. */
export function hashRange(text: string, start: number, end: number, hash = FNV_OFFSET): number {
  let value = hash;
  for (let index = start; index < end; index += 1)
    value = Math.imul(value ^ text.charCodeAt(index), FNV_PRIME);
  return value;
}

/** MurmurHash3's 32-bit finalizer: every input bit affects every output bit. */
export function mix(hash: number): number {
  let value = hash ^ (hash >>> 16);
  value = Math.imul(value, 0x85ebca6b);
  value ^= value >>> 13;
  value = Math.imul(value, 0xc2b2ae35);
  value ^= value >>> 16;
  return value >>> 0;
}

/** Combines two hashes in order (`a, b` differs from `b, a`). */
export function combine(first: number, second: number): number {
  return Math.imul(first ^ 0x9e3779b9, 0x85ebca6b) ^ second;
}

/** The hash of a whole string (for fixed feature names and tests). */
export function hashString(text: string, hash = FNV_OFFSET): number {
  return hashRange(text, 0, text.length, hash);
}
