import { randomUUID } from 'node:crypto';
import type { JetStreamClient, NatsConnection } from 'nats';
import { Subjects, type UsageBatch, type UsageEvent } from '@switchyard/contracts';
import { outgoingHeaders } from './bus-headers';
import { BusNamespace } from './bus-namespace';
import { encodeJson } from './json-codec';

export interface UsagePublisherOptions {
  /** events kept in memory while JetStream is unreachable; beyond it the oldest are dropped and counted. */
  maxPending?: number;
  /** events per JetStream message at most. */
  maxBatchEvents?: number;
  /** how long the first event of a batch waits for others before the batch is published. */
  maxBatchDelayMs?: number;
  onDropped?: (count: number) => void;
  onPublishFailure?: (error: Error) => void;
}

interface Batch {
  subject: string;
  body: UsageBatch;
}

const DEFAULT_MAX_BATCH_EVENTS = 256;
const DEFAULT_MAX_BATCH_DELAY_MS = 5;

/**
 * Publishes usage events to JetStream without ever blocking the request that produced them.
 * Events published within a few milliseconds travel together (`UsageBatch`, one message per
 * provider subject): at load this turns thousands of acknowledged publishes, stored messages,
 * deliveries and acks per second into tens, which is most of what the bus and the ledger spend.
 * A batch keeps its id across retries (JetStream deduplicates a re-published batch; the ledger's
 * primary key covers the rest), and failed batches are retried with backoff, so a NATS restart
 * loses nothing that fits in memory. `flush()` publishes and waits for everything at shutdown.
 */
export class UsagePublisher {
  private readonly jetstream: JetStreamClient;
  private readonly gathering = new Map<string, { events: UsageEvent[]; traceparents: (string | null)[] }>();
  private gatherTimer: NodeJS.Timeout | null = null;
  private readonly retrying: Batch[] = [];
  private inFlightEvents = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryDelayMs = 100;
  private readonly maxPending: number;
  private readonly maxBatchEvents: number;
  private readonly maxBatchDelayMs: number;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(
    connection: NatsConnection,
    private readonly namespace: BusNamespace = new BusNamespace(),
    private readonly options: UsagePublisherOptions = {},
  ) {
    this.jetstream = connection.jetstream();
    this.maxPending = options.maxPending ?? 100_000;
    this.maxBatchEvents = options.maxBatchEvents ?? DEFAULT_MAX_BATCH_EVENTS;
    this.maxBatchDelayMs = options.maxBatchDelayMs ?? DEFAULT_MAX_BATCH_DELAY_MS;
  }

  publish(event: UsageEvent): void {
    const subject = this.namespace.subject(Subjects.usage(event.provider));
    let batch = this.gathering.get(subject);
    if (!batch) {
      batch = { events: [], traceparents: [] };
      this.gathering.set(subject, batch);
    }
    batch.events.push(event);
    batch.traceparents.push(outgoingHeaders()?.get('traceparent') || null);
    if (batch.events.length >= this.maxBatchEvents) {
      this.gathering.delete(subject);
      this.send(this.seal(subject, batch));
    } else if (this.gatherTimer === null) {
      this.gatherTimer = setTimeout(() => this.sendGathered(), this.maxBatchDelayMs);
    }
  }

  /** events not yet acknowledged by JetStream (gathering, in flight, or waiting for a retry). */
  get backlog(): number {
    let gathering = 0;
    for (const batch of this.gathering.values()) gathering += batch.events.length;
    return (
      gathering +
      this.inFlightEvents +
      this.retrying.reduce((sum, batch) => sum + batch.body.events.length, 0)
    );
  }

  /** Publishes what is gathering and resolves when every event so far is acknowledged (or the timeout passes). */
  async flush(timeoutMs = 10_000): Promise<boolean> {
    this.sendGathered();
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

  private sendGathered(): void {
    if (this.gatherTimer !== null) {
      clearTimeout(this.gatherTimer);
      this.gatherTimer = null;
    }
    for (const [subject, batch] of this.gathering) this.send(this.seal(subject, batch));
    this.gathering.clear();
  }

  private seal(subject: string, batch: { events: UsageEvent[]; traceparents: (string | null)[] }): Batch {
    const traced = batch.traceparents.some((traceparent) => traceparent !== null);
    return {
      subject,
      body: {
        batchId: randomUUID(),
        events: batch.events,
        ...(traced ? { traceparents: batch.traceparents } : {}),
      },
    };
  }

  private send(batch: Batch): void {
    const count = batch.body.events.length;
    this.inFlightEvents += count;
    this.jetstream.publish(batch.subject, encodeJson(batch.body), { msgID: batch.body.batchId }).then(
      () => {
        this.inFlightEvents -= count;
        this.retryDelayMs = 100;
        this.notifyIfIdle();
      },
      (error: Error) => {
        this.inFlightEvents -= count;
        this.options.onPublishFailure?.(error);
        this.keep(batch);
        this.scheduleRetry(this.retryDelayMs);
        this.retryDelayMs = Math.min(this.retryDelayMs * 2, 5000);
      },
    );
  }

  private keep(batch: Batch): void {
    this.retrying.push(batch);
    let pending = this.retrying.reduce((sum, item) => sum + item.body.events.length, 0);
    while (pending > this.maxPending && this.retrying.length > 1) {
      const dropped = this.retrying.shift()!;
      pending -= dropped.body.events.length;
      this.options.onDropped?.(dropped.body.events.length);
    }
  }

  private scheduleRetry(delayMs: number): void {
    if (this.retryTimer !== null || this.retrying.length === 0) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      for (const batch of this.retrying.splice(0, this.retrying.length)) this.send(batch);
    }, delayMs);
  }

  private notifyIfIdle(): void {
    if (this.backlog !== 0) return;
    for (const waiter of this.idleWaiters.splice(0)) waiter();
  }
}
