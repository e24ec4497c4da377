import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { KeyGrants, VirtualKey } from '@switchyard/contracts';

/**
 * Who is calling: the master key, or a virtual key with the record the ledger keeps for it
 * (scope, budget, limits, expiry), as authenticated for this request.
 */
export type Caller =
  | { kind: 'master' }
  | {
      kind: 'virtual';
      keyId: string;
      keyHash: string;
      models: readonly string[];
      key: VirtualKey;
      /** the key's team, its internal user's limits, the teams it may administer (none: absent). */
      grants?: KeyGrants;
    };

/** Per-request state the ingress attaches to the Fastify request. */
export interface RequestContext {
  callId: string;
  /** performance.now() when the request arrived. */
  receivedAt: number;
  /** UTF-8 size of the body as received. */
  bodyBytes: number;
  caller: Caller | null;
}

const CONTEXT = Symbol('switchyard.requestContext');

type WithContext = FastifyRequest & { [CONTEXT]?: RequestContext };

export function requestContext(request: FastifyRequest): RequestContext {
  const holder = request as WithContext;
  let context = holder[CONTEXT];
  if (!context) {
    context = { callId: randomUUID(), receivedAt: performance.now(), bodyBytes: 0, caller: null };
    holder[CONTEXT] = context;
  }
  return context;
}
