import { z } from 'zod';

/** Who may read a stored response: the virtual key that made it, or the master key (any). */
export const ResponseReader = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('master') }),
  z.object({ kind: z.literal('virtual'), keyId: z.string().min(1) }),
]);
export type ResponseReader = z.infer<typeof ResponseReader>;

/**
 * One stored Responses API response (`store: true`): the response object as the client got it,
 * the input items of its own request (not the chain before it) and the response it continued.
 * `keyId` is the virtual key that made it; null for the master key.
 */
export const StoredResponse = z.object({
  id: z.string().min(1).max(200),
  keyId: z.string().nullable(),
  previousResponseId: z.string().nullable(),
  /** ms since the epoch. */
  createdAt: z.number().int().nonnegative(),
  response: z.record(z.string(), z.unknown()),
  inputItems: z.array(z.record(z.string(), z.unknown())),
});
export type StoredResponse = z.infer<typeof StoredResponse>;

/**
 * `responses.store.v1` (served by the ledger, queue group `ledger`): keep, read and delete stored
 * responses. `get` with `chain` also returns the input and output items of every response before
 * it (oldest first), which `previous_response_id` expands to. A response the reader may not see
 * is answered as missing, exactly like one that does not exist or has expired.
 */
export const ResponseStoreMessage = z.discriminatedUnion('op', [
  z.object({ op: z.literal('put'), response: StoredResponse }),
  z.object({ op: z.literal('get'), id: z.string().min(1), reader: ResponseReader, chain: z.boolean() }),
  z.object({ op: z.literal('delete'), id: z.string().min(1), reader: ResponseReader }),
]);
export type ResponseStoreMessage = z.infer<typeof ResponseStoreMessage>;

export const ResponseStoreReply = z.object({
  /** `get`: the response, or null when missing; `put`/`delete`: null. */
  response: StoredResponse.nullable(),
  /** `get` with `chain`: the items the chain before it holds (inputs then outputs, oldest first). */
  history: z.array(z.record(z.string(), z.unknown())),
  /** `delete`: whether a response was deleted; `put`: true. */
  done: z.boolean(),
});
export type ResponseStoreReply = z.infer<typeof ResponseStoreReply>;
