import { headers as createHeaders, type MsgHdrs } from 'nats';
import { context, propagation } from '@opentelemetry/api';
import { BusHeaders } from '@switchyard/contracts';

/** Headers for an outgoing bus message: the request id and the active trace context. */
export function outgoingHeaders(requestId?: string): MsgHdrs {
  const headers = createHeaders();
  if (requestId) headers.set(BusHeaders.requestId, requestId);
  propagation.inject(context.active(), headers, {
    set: (carrier, key, value) => carrier.set(key, value),
  });
  return headers;
}

/** The trace context carried by an incoming bus message (the active context when there is none). */
export function contextFromHeaders(headers: MsgHdrs | undefined) {
  if (!headers) return context.active();
  return propagation.extract(context.active(), headers, {
    get: (carrier, key) => carrier.get(key) || undefined,
    keys: (carrier) => carrier.keys(),
  });
}

export function requestIdOf(headers: MsgHdrs | undefined): string | undefined {
  return headers?.get(BusHeaders.requestId) || undefined;
}
