import type { NatsConnection } from 'nats';

import {
  EventContracts,
  type EventOf,
  type EventSubject,
  GatewayError,
  RpcContracts,
  type RpcRequestOf,
  type RpcResponseOf,
  type RpcSubject,
} from '@switchyard/contracts';
import { outgoingHeaders } from './bus-headers';
import { BusNamespace } from './bus-namespace';
import { decodeJson, encodeJson } from './json-codec';
import { nestEvent, nestRequest, unwrapNestReply } from './nest-envelope';
import { NO_SUBSCRIBERS } from './no-subscribers';

export interface RequestOptions {
  timeoutMs?: number;
  requestId?: string;
}

/**
 * Typed request/reply and broadcast over NATS, speaking Nest's envelope so the servers are plain
 * `@MessagePattern` / `@EventPattern` handlers. Uses the connection's shared reply inbox: one
 * subscription for all requests, so a request costs one publish and one message.
 */
export class BusClient {
  constructor(
    readonly connection: NatsConnection,
    readonly namespace: BusNamespace = new BusNamespace(),
  ) {}

  async request<S extends RpcSubject>(
    subject: S,
    payload: RpcRequestOf<S>,
    options: RequestOptions = {},
  ): Promise<RpcResponseOf<S>> {
    const timeoutMs = options.timeoutMs ?? 5000;
    let reply;
    try {
      reply = await this.connection.request(
        this.namespace.subject(subject),
        encodeJson(nestRequest(subject, payload)),
        {
          timeout: timeoutMs,
          headers: outgoingHeaders(options.requestId),
        },
      );
    } catch (error) {
      throw busFailure(subject, error, timeoutMs);
    }
    const response = unwrapNestReply(decodeJson(reply.data), subject);
    const parsed = RpcContracts[subject].response.safeParse(response);
    if (!parsed.success) {
      throw GatewayError.unavailable(
        `${subject} answered with an invalid reply: ${parsed.error.issues[0]?.message}`,
      );
    }
    return parsed.data as RpcResponseOf<S>;
  }

  /** Broadcasts an event (Nest event envelope); validated against its schema before it leaves. */
  publishEvent<S extends EventSubject>(subject: S, payload: EventOf<S>): void {
    const checked = EventContracts[subject].parse(payload);
    this.connection.publish(this.namespace.subject(subject), encodeJson(nestEvent(subject, checked)), {
      headers: outgoingHeaders(),
    });
  }
}

/**
 * A bus failure as a `GatewayError`: nobody subscribes (503 `no_subscribers`), no answer in time
 * (504 `timeout`), a message over the server's `max_payload` (413). `responder` names who should
 * have answered, for the message.
 */
export function busFailure(
  subject: string,
  error: unknown,
  timeoutMs: number,
  responder = 'service',
): GatewayError {
  if (error instanceof GatewayError) return error;
  const code = (error as { code?: string }).code;
  if (code === '503') {
    return GatewayError.unavailable(`no ${responder} answers ${subject}; is it running?`, {
      code: NO_SUBSCRIBERS,
    });
  }
  if (code === 'TIMEOUT') return GatewayError.timeout(`${subject} did not answer within ${timeoutMs} ms`);
  if (code === 'MAX_PAYLOAD_EXCEEDED') {
    return GatewayError.payloadTooLarge(
      `The request is larger than the message bus accepts (NATS max_payload); raise max_payload on the NATS server or send a smaller request.`,
    );
  }
  return GatewayError.unavailable(`${subject} failed: ${(error as Error).message}`);
}
