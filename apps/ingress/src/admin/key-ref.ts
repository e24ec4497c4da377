import type { KeyRef } from '@switchyard/contracts';
import type { KeyHasher } from '../auth/key-hasher';

/**
 * How an admin names a key, as the bus names it: the key itself (hashed here, so it never leaves
 * the ingress), its `token` (the hash), or its `key_id`.
 */
export function keyRefOf(value: string, hasher: KeyHasher): KeyRef {
  if (value.startsWith('sk-')) return { by: 'hash', value: hasher.hash(value) };
  if (/^[0-9a-f]{64}$/.test(value)) return { by: 'hash', value };
  return { by: 'id', value };
}
