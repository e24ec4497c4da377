import { type CustomTransportStrategy, ServerNats } from '@nestjs/microservices';
import type { NatsConnection, Subscription } from 'nats';
import type { BusNamespace } from './bus-namespace';

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
      // events (broadcasts) go to every replica; requests to one replica of the queue group
      this.namespacedSubscriptions.push(
        client.subscribe(this.namespace.subject(pattern), {
          queue: handler.isEventHandler ? undefined : queue,
          callback: this.getMessageHandler(pattern).bind(this) as (error: unknown, message: unknown) => void,
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
