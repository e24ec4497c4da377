import { GatewayError, RpcContracts, type RpcRequestOf, type RpcSubject } from '@switchyard/contracts';

/** A request payload checked against its subject's schema; a bad one is a typed 400, never a crash. */
export function parseMessage<S extends RpcSubject>(subject: S, payload: unknown): RpcRequestOf<S> {
  const parsed = RpcContracts[subject].request.safeParse(payload);
  if (parsed.success) return parsed.data as RpcRequestOf<S>;
  const issue = parsed.error.issues[0];
  throw GatewayError.invalidRequest(
    `invalid ${subject} message: ${issue.path.map(String).join('.') || '(body)'}: ${issue.message}`,
    null,
    'invalid_bus_message',
  );
}
