import { z } from 'zod';

/** `keys.changed.v1`: drop the cached record of this key hash (revoked, updated, regenerated). */
export const KeysChanged = z.object({
  keyHash: z.string().min(1),
  reason: z.enum(['updated', 'deleted', 'regenerated', 'blocked']),
});
export type KeysChanged = z.infer<typeof KeysChanged>;
