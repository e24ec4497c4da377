import { parseBusMessage, RpcContracts, type RpcRequestOf, type RpcSubject } from '@switchyard/contracts';

/** A request payload checked against its subject's schema; a bad one is a typed 400, never a crash. */
export function parseMessage<S extends RpcSubject>(subject: S, payload: unknown): RpcRequestOf<S> {
  const parsed = parseBusMessage(RpcContracts[subject].request, subject, payload);
  if (!parsed.success) throw parsed.error;
  return parsed.data as RpcRequestOf<S>;
}
