import type { DispatchAccounting, Endpoint, RouteSummary } from '@switchyard/contracts';
import type { CallObservation } from './call-observation';
import type { Caller } from './request-context';

/** What the ingress knows about one client call, for routing, accounting and headers. */
export interface ChatCallContext {
  callId: string;
  receivedAt: number;
  bodyBytes: number;
  caller: Caller;
  endpoint: Endpoint;
  sessionId: string | null;
  user: string | null;
  metadata: Record<string, unknown> | null;
  /** the request's `Cache-Control` header, for the response cache. */
  cacheControl: string | null;
  /** labels for this call's metrics, filled in by `CompleteChat`. */
  observation: CallObservation;
}

/** What the dispatcher records of a call with each attempt's usage. */
export function accountingOf(
  context: ChatCallContext,
  modelGroup: string,
  route: RouteSummary | null,
): DispatchAccounting {
  return {
    endpoint: context.endpoint,
    modelGroup,
    route,
    keyId: context.caller.kind === 'virtual' ? context.caller.keyId : null,
    sessionId: context.sessionId,
    user: context.user,
    metadata: context.metadata,
  };
}
