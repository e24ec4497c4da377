import { headers as createHeaders, type MsgHdrs } from 'nats';
import { context, propagation } from '@opentelemetry/api';
import { BusHeaders } from '@switchyard/contracts';

/**
 * Headers for an outgoing bus message: the request id and the active trace context. While tracing
 * is off (no propagator registered) there is nothing worth a header (every payload carries its
 * request id), so messages go without: no header encoding on one side, no parsing on the other.
 */
export function outgoingHeaders(requestId?: string): MsgHdrs | undefined {
  if (propagation.fields().length === 0) return undefined;
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
