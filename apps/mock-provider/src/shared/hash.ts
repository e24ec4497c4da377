import { createHash } from 'node:crypto';

/** FNV-1a, 32 bits: a fast deterministic hash for ids and embedding seeds (not for secrets). */
export function fnv1a32(text: string, seed = 0x811c9dc5): number {
  let hash = seed >>> 0;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** A small deterministic PRNG (xorshift32), seeded from a hash. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0 || 0x9e3779b9;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x100000000;
  };
}

const alphanumeric = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const lowerHex = '0123456789abcdef';

/** A deterministic string of `length` characters of `alphabet`, derived from `seedText`. */
export function deterministicToken(
  seedText: string,
  length: number,
  alphabet: 'alphanumeric' | 'hex' = 'alphanumeric',
): string {
  const characters = alphabet === 'hex' ? lowerHex : alphanumeric;
  const random = createRandom(fnv1a32(seedText));
  let token = '';
  for (let index = 0; index < length; index += 1) {
    token += characters[Math.floor(random() * characters.length)];
  }
  return token;
}

/**
 * First 12 hex characters of the key's SHA-256, so the request log can tell keys apart without
 * ever holding one.
 */
export function keyDigestPrefix(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}
