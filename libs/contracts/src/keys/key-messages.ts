import { z } from 'zod';
import { KeyTeam, KeyUser } from '../teams/budget-scope';
import { KeySettings } from './key-requests';
import { KeyRef, VirtualKey, VirtualKeyInfo } from './virtual-key';

/**
 * `keys.<op>.v1` request/reply payloads, served by the ledger (queue group `ledger`). The ingress
 * makes and hashes keys; what crosses the bus is the hash and a display name, never a key.
 */
const keyHash = z.string().regex(/^[0-9a-f]{64}$/);
const keyName = z.string().min(1).max(40);

/** `keys.generate.v1` → `VirtualKeyInfo`. */
export const KeyGenerateMessage = z.object({ settings: KeySettings, keyHash, keyName });
export type KeyGenerateMessage = z.infer<typeof KeyGenerateMessage>;

/** `keys.update.v1` → `VirtualKeyInfo`; publishes `keys.changed.v1`. */
export const KeyUpdateMessage = z.object({ ref: KeyRef, settings: KeySettings });
export type KeyUpdateMessage = z.infer<typeof KeyUpdateMessage>;

/** `keys.regenerate.v1` → `VirtualKeyInfo` with the new hash; the old key stops working. */
export const KeyRegenerateMessage = z.object({ ref: KeyRef, settings: KeySettings, keyHash, keyName });
export type KeyRegenerateMessage = z.infer<typeof KeyRegenerateMessage>;

/** `keys.delete.v1`: every named key or none (404 when one is unknown). */
export const KeyDeleteMessage = z.object({ refs: z.array(KeyRef).min(1).max(1000) });
export type KeyDeleteMessage = z.infer<typeof KeyDeleteMessage>;
export const KeyDeleteReply = z.object({
  deleted: z.array(z.object({ key_id: z.string(), token: keyHash, key_alias: z.string().nullable() })),
});
export type KeyDeleteReply = z.infer<typeof KeyDeleteReply>;

/** `keys.info.v1` → `VirtualKeyInfo` (404 when unknown). */
export const KeyInfoMessage = z.object({ ref: KeyRef });
export type KeyInfoMessage = z.infer<typeof KeyInfoMessage>;

/** `keys.list.v1`: one page, newest first. */
export const KeyListMessage = z.object({
  page: z.number().int().min(1),
  size: z.number().int().min(1).max(100),
  userId: z.string().nullable(),
  keyAlias: z.string().nullable(),
  teamId: z.string().nullable().optional(),
});
export type KeyListMessage = z.infer<typeof KeyListMessage>;
export const KeyListReply = z.object({
  keys: z.array(VirtualKeyInfo),
  total_count: z.number().int().nonnegative(),
  current_page: z.number().int().min(1),
  total_pages: z.number().int().nonnegative(),
});
export type KeyListReply = z.infer<typeof KeyListReply>;

/** `keys.lookup.v1`: what the ingress needs to authenticate and limit a key (null: unknown). */
export const KeyLookupMessage = z.object({ keyHash });
export type KeyLookupMessage = z.infer<typeof KeyLookupMessage>;
export const KeyLookupReply = z.object({
  key: VirtualKey.nullable(),
  /** the key's team, when it has one. */
  team: KeyTeam.nullable().optional(),
  /** the key's internal user (`user_id`): the user's budget and models, when the key has a user. */
  user: KeyUser.nullable().optional(),
  /** the teams whose keys the key's user may manage (role `admin`). */
  adminOfTeams: z.array(z.string()).optional(),
});
export type KeyLookupReply = z.infer<typeof KeyLookupReply>;

/** What a key's lookup says beside the key: its team, its user's limits, the teams it administers. */
export interface KeyGrants {
  team: KeyTeam | null;
  user: KeyUser | null;
  adminOfTeams: readonly string[];
}

export const NO_GRANTS: KeyGrants = { team: null, user: null, adminOfTeams: [] };

export function grantsOf(reply: KeyLookupReply): KeyGrants {
  return { team: reply.team ?? null, user: reply.user ?? null, adminOfTeams: reply.adminOfTeams ?? [] };
}
