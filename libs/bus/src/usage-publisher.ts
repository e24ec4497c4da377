import type { JetStreamClient, NatsConnection } from 'nats';
import { Subjects, type UsageEvent } from '@switchyard/contracts';
import { outgoingHeaders } from './bus-headers';
import { BusNamespace } from './bus-namespace';
import { encodeJson } from './json-codec';

export interface UsagePublisherOptions {
  /** events kept in memory while JetStream is unreachable; beyond it the oldest are dropped and counted. */
  maxPending?: number;
  onDropped?: (count: number) => void;
  onPublishFailure?: (error: Error) => void;
}

/**
 * Publishes usage events to JetStream with the event id as message id (server-side dedup), never
 * blocking the request that produced them. Failed publishes are kept and retried with backoff,
 * so a NATS restart loses nothing that fits in memory; `flush()` waits for all of them at shutdown.
 */
export class UsagePublisher {
  private readonly jetstream: JetStreamClient;
  private readonly pending: UsageEvent[] = [];
  private inFlight = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryDelayMs = 100;
  private readonly maxPending: number;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(
    connection: NatsConnection,
    private readonly namespace: BusNamespace = new BusNamespace(),
    private readonly options: UsagePublisherOptions = {},
  ) {
    this.jetstream = connection.jetstream();
    this.maxPending = options.maxPending ?? 100_000;
  }

  publish(event: UsageEvent): void {
    this.send(event);
  }

  /** events published but not yet acknowledged by JetStream, plus those waiting for a retry. */
  get backlog(): number {
    return this.inFlight + this.pending.length;
  }

  /** resolves when every event so far is acknowledged (or the timeout passes). */
  async flush(timeoutMs = 10_000): Promise<boolean> {
    if (this.backlog === 0) return true;
    this.scheduleRetry(0);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  private send(event: UsageEvent): void {
    this.inFlight += 1;
    this.jetstream
      .publish(this.namespace.subject(Subjects.usage(event.provider)), encodeJson(event), {
        msgID: event.eventId,
        headers: outgoingHeaders(event.requestId),
      })
      .then(
        () => {
          this.inFlight -= 1;
          this.retryDelayMs = 100;
          this.notifyIfIdle();
        },
        (error: Error) => {
          this.inFlight -= 1;
          this.options.onPublishFailure?.(error);
          this.keep(event);
          this.scheduleRetry(this.retryDelayMs);
          this.retryDelayMs = Math.min(this.retryDelayMs * 2, 5000);
        },
      );
  }

  private keep(event: UsageEvent): void {
    this.pending.push(event);
    if (this.pending.length > this.maxPending) {
      const dropped = this.pending.splice(0, this.pending.length - this.maxPending);
      this.options.onDropped?.(dropped.length);
    }
  }

  private scheduleRetry(delayMs: number): void {
    if (this.retryTimer !== null || this.pending.length === 0) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      const batch = this.pending.splice(0, this.pending.length);
      for (const event of batch) this.send(event);
    }, delayMs);
  }

  private notifyIfIdle(): void {
    if (this.backlog !== 0) return;
    for (const waiter of this.idleWaiters.splice(0)) waiter();
  }
}
