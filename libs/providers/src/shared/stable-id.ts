import { createHash } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A deterministic base62 id of `length` characters derived from `seed` (same seed, same id). */
export function stableId(seed: string, length: number): string {
  const digest = createHash('sha256').update(seed).digest();
  let id = '';
  for (let index = 0; id.length < length; index += 1) {
    id += BASE62[digest[index % digest.length] % 62];
  }
  return id;
}
