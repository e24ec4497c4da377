import { type CustomTransportStrategy, ServerNats } from '@nestjs/microservices';
import type { Msg, NatsConnection, Subscription } from 'nats';
import { GatewayError } from '@switchyard/contracts';
import type { BusNamespace } from './bus-namespace';
import { guardCallback, reportCallbackFailure } from './guard-callback';
import { encodeJson } from './json-codec';

export interface NamespacedNatsServerOptions {
  servers: string[];
  name: string;
  user?: string;
  pass?: string;
  /** queue group for every handler (replicas share the load). */
  queue: string;
}

/**
 * Nest's NATS transport with the bus namespace applied: `@MessagePattern('classify.v1')` listens on
 * `<namespace>classify.v1` in queue group `<namespace><queue>`. Handlers, envelope and filters stay
 * Nest's own.
 */
export class NamespacedNatsServer extends ServerNats implements CustomTransportStrategy {
  private readonly namespacedSubscriptions: Subscription[] = [];

  constructor(
    options: NamespacedNatsServerOptions,
    private readonly namespace: BusNamespace,
  ) {
    super({
      servers: options.servers,
      name: options.name,
      user: options.user,
      pass: options.pass,
      queue: namespace.subject(options.queue),
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      waitOnFirstConnect: true,
    });
  }

  override bindEvents(client: NatsConnection): void {
    const queue = this.getOptionsProp(this.getOptions(), 'queue');
    for (const [pattern, handler] of this.messageHandlers) {
      const handle = this.getMessageHandler(pattern).bind(this) as (
        error: unknown,
        message: Msg,
      ) => Promise<unknown>;
      // Nest's handler is async: a message it cannot decode rejects, and an unhandled rejection
      // ends the process; a synchronous throw would end the connection's reader
      const fail = (failure: unknown, message: Msg) => {
        reportCallbackFailure(pattern, failure);
        replyFailure(client, message, failure);
      };
      // events (broadcasts) go to every replica; requests to one replica of the queue group
      this.namespacedSubscriptions.push(
        client.subscribe(this.namespace.subject(pattern), {
          queue: handler.isEventHandler ? undefined : queue,
          callback: guardCallback(
            pattern,
            (error, message) => {
              handle(error, message).catch((failure: unknown) => fail(failure, message));
            },
            (failure, message) => replyFailure(client, message, failure),
          ),
        }),
      );
    }
  }

  override async close(): Promise<void> {
    await Promise.allSettled(this.namespacedSubscriptions.map((subscription) => subscription.drain()));
    await super.close();
  }

  private getOptions(): { queue?: string } {
    return (this as unknown as { options: { queue?: string } }).options;
  }
}

/** Answers a request whose handler failed with a typed error in Nest's reply envelope. */
function replyFailure(client: NatsConnection, message: Msg, failure: unknown): void {
  if (!message.reply || client.isClosed()) return;
  const error =
    (failure as { code?: unknown }).code === 'BAD_JSON'
      ? GatewayError.invalidRequest('the bus message is not JSON', null, 'invalid_bus_message')
      : GatewayError.internal('the service failed to handle the message');
  client.publish(message.reply, encodeJson({ err: error.toPayload(), isDisposed: true }));
}
