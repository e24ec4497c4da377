import type { Msg, NatsConnection, Subscription } from 'nats';
import {
  GatewayError,
  parseBusMessage,
  type ProviderAnsweredOperation,
  ProviderContracts,
  providerFailureReply,
  type ProviderOperation,
  type ProviderReplyOf,
  type ProviderRequestOf,
} from '@switchyard/contracts';
import { busFailure } from './bus-client';
import { outgoingHeaders } from './bus-headers';
import type { BusNamespace } from './bus-namespace';
import { guardCallback, reportCallbackFailure } from './guard-callback';
import { decodeJson, encodeJson } from './json-codec';

export interface ProviderRequestOptions {
  timeoutMs: number;
  requestId: string;
}

/**
 * Asks a dispatcher of `provider` for one answer (`embed`, `probe`), typed by `ProviderContracts`.
 * Throws a `GatewayError`: no dispatcher (503 `no_subscribers`), no answer in time (504 `timeout`),
 * a reply its schema rejects (503 `invalid_bus_reply`). Chat streams go through `StreamRequester`.
 */
export async function requestProvider<O extends ProviderAnsweredOperation & ('embed' | 'probe')>(
  connection: NatsConnection,
  namespace: BusNamespace,
  provider: string,
  operation: O,
  payload: ProviderRequestOf<O>,
  options: ProviderRequestOptions,
): Promise<ProviderReplyOf<O>> {
  const contract = ProviderContracts[operation];
  const subject = contract.subject(provider);
  let message;
  try {
    message = await connection.request(namespace.subject(subject), encodeJson(payload), {
      timeout: options.timeoutMs,
      headers: outgoingHeaders(options.requestId),
    });
  } catch (error) {
    throw busFailure(subject, error, options.timeoutMs, `dispatcher-${provider}`);
  }
  const parsed = contract.reply.safeParse(decodeOrUndefined(message));
  if (!parsed.success) {
    throw GatewayError.unavailable(`the ${provider} dispatcher sent an invalid ${operation} reply`, {
      code: 'invalid_bus_reply',
    });
  }
  return parsed.data as ProviderReplyOf<O>;
}

export interface ServeProviderOptions {
  /** queue group: replicas share the requests (none for `cancel`, which every replica hears). */
  queue?: string;
  /** the dispatcher's id, on failure replies that carry one. */
  responder: string;
}

/**
 * What a handler does with a valid request: answer it (the promise's reply is sent), or for `chat`
 * (which streams its replies itself) and `cancel` (no reply), nothing.
 */
export type ProviderHandler<O extends ProviderOperation> = (
  request: ProviderRequestOf<O>,
  message: Msg,
) => O extends ProviderAnsweredOperation ? Promise<ProviderReplyOf<O>> | void : void;

/**
 * Serves one operation of one provider: decodes and validates each message with its contract, and
 * answers what fails before the handler's work in the operation's own reply shape, here and only
 * here: an invalid message (400 `invalid_bus_message`), a handler that threw or rejected (500).
 * A request without a reply subject is dropped (nobody would hear the answer).
 */
export function serveProvider<O extends ProviderOperation>(
  connection: NatsConnection,
  namespace: BusNamespace,
  provider: string,
  operation: O,
  options: ServeProviderOptions,
  handler: ProviderHandler<O>,
): Subscription {
  const contract = ProviderContracts[operation];
  const subject = contract.subject(provider);
  const label = `dispatch.${operation}`;
  const answers = contract.reply !== null;
  const reply = (message: Msg, payload: unknown): void => {
    if (!message.reply || connection.isClosed()) return;
    connection.publish(message.reply, encodeJson(payload));
  };
  const fail = (message: Msg, error: GatewayError): void => {
    if (operation === 'cancel') return;
    reply(message, providerFailureReply(operation, error.toPayload(), options.responder));
  };
  return connection.subscribe(namespace.subject(subject), {
    queue: options.queue,
    callback: guardCallback(
      label,
      (error, message) => {
        if (error || (answers && !message.reply)) return;
        const parsed = parseBusMessage(contract.request, subject, decodeOrUndefined(message));
        if (!parsed.success) {
          fail(message, parsed.error);
          return;
        }
        const answer = handler(parsed.data as ProviderRequestOf<O>, message);
        if (!answer) return;
        answer
          .then(
            (result) => reply(message, result),
            (failure: unknown) => {
              reportCallbackFailure(label, failure);
              fail(
                message,
                GatewayError.internal(`the dispatcher failed to handle the ${operation} request`),
              );
            },
          )
          // the connection closed while the handler ran: nobody is waiting any more
          .catch(() => undefined);
      },
      (_failure, message) =>
        fail(message, GatewayError.internal(`the dispatcher failed to handle the ${operation} request`)),
    ),
  });
}

function decodeOrUndefined(message: Msg): unknown {
  try {
    return decodeJson(message.data);
  } catch {
    return undefined;
  }
}
