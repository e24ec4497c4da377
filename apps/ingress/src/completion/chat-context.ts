import type { Endpoint } from '@switchyard/contracts';
import type { CallObservation } from '../http/call-observation';
import type { Caller } from '../http/request-context';

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
