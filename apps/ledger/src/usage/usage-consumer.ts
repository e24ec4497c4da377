import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import {
  AckPolicy,
  type ConsumerMessages,
  DeliverPolicy,
  headers as createHeaders,
  type JsMsg,
  type NatsConnection,
  nanos,
} from 'nats';
import { type BusNamespace, contextFromHeaders, decodeJson, ensureUsageStreams } from '@switchyard/bus';
import { Consumers, Streams, Subjects, UsageEvent } from '@switchyard/contracts';
import { SpanKind, tracer } from '@switchyard/telemetry';
import type { UsageStore } from './usage-store';

/** One `ledger insert` span per traced event, in the trace of the request that produced it. */
function traceInserts(messages: readonly JsMsg[], startedAt: number): void {
  const startTime = performance.timeOrigin + startedAt;
  for (const message of messages) {
    if (!message.headers?.has('traceparent')) continue;
    tracer
      .startSpan(
        'ledger insert',
        { kind: SpanKind.CONSUMER, startTime, attributes: { 'messaging.message.id': String(message.seq) } },
        contextFromHeaders(message.headers),
      )
      .end();
  }
}

export interface UsageConsumerOptions {
  batchSize: number;
  /** how long a partial batch waits for more events before it is written. */
  maxBatchWaitMs: number;
  /** redelivery delay of an unacknowledged event (after a crash). */
  ackWaitMs: number;
}

export interface UsageConsumerListener {
  onBatchWritten?(
    written: number,
    duplicates: number,
    durationMs: number,
    events: readonly UsageEvent[],
  ): void;
  onDeadLetter?(reason: string): void;
  onWriteFailure?(error: Error): void;
}

/**
 * The durable JetStream consumer `ledger` on stream `USAGE`: collects events into batches, writes
 * each batch in one statement, and acknowledges only after the commit. Duplicates are ignored by
 * event id; a message that is not a usage event goes to the dead-letter stream instead of being
 * redelivered forever. While Postgres is down it keeps the batch and retries, telling JetStream
 * it is still working so nothing is redelivered meanwhile.
 */
export class UsageConsumer {
  private readonly logger = new Logger(UsageConsumer.name);
  private messages: ConsumerMessages | null = null;
  private pending: JsMsg[] = [];
  private flushing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private loop: Promise<void> | null = null;

  constructor(
    private readonly connection: NatsConnection,
    private readonly namespace: BusNamespace,
    private readonly store: UsageStore,
    private readonly options: UsageConsumerOptions,
    private readonly listener: UsageConsumerListener = {},
  ) {}

  async start(): Promise<void> {
    const manager = await this.connection.jetstreamManager();
    await ensureUsageStreams(manager, this.namespace);
    const stream = this.namespace.name(Streams.usage.name);
    const durable = this.namespace.name(Consumers.ledger);
    const config = {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(this.options.ackWaitMs),
      deliver_policy: DeliverPolicy.All,
      max_ack_pending: Math.max(20_000, this.options.batchSize * 4),
      max_deliver: -1,
    };
    try {
      await manager.consumers.info(stream, durable);
      await manager.consumers.update(stream, durable, {
        ack_wait: config.ack_wait,
        max_ack_pending: config.max_ack_pending,
      });
    } catch {
      await manager.consumers.add(stream, config);
    }
    const consumer = await this.connection.jetstream().consumers.get(stream, durable);
    this.messages = await consumer.consume({ max_messages: this.options.batchSize * 2 });
    this.loop = this.run(this.messages);
  }

  /** Stops pulling, writes what is pending, and returns when it is committed and acknowledged. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.messages?.stop();
    await this.loop;
    this.flushNow();
    await this.flushing;
  }

  private async run(messages: ConsumerMessages): Promise<void> {
    for await (const message of messages) {
      this.pending.push(message);
      if (this.pending.length >= this.options.batchSize) {
        this.flushNow();
        await this.flushing;
      } else if (this.timer === null) {
        this.timer = setTimeout(() => {
          this.timer = null;
          this.flushNow();
        }, this.options.maxBatchWaitMs);
      }
      if (this.stopped) break;
    }
  }

  private flushNow(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.flushing = this.flushing.then(() => this.flush());
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    const events: UsageEvent[] = [];
    const accepted: JsMsg[] = [];
    for (const message of batch) {
      const event = this.parse(message);
      if (event) {
        events.push(event);
        accepted.push(message);
      }
    }
    const started = performance.now();
    for (let attempt = 0; ; attempt += 1) {
      try {
        const written = await this.store.insert(events);
        for (const message of accepted) message.ack();
        traceInserts(accepted, started);
        this.listener.onBatchWritten?.(
          written.length,
          events.length - written.length,
          performance.now() - started,
          written,
        );
        return;
      } catch (error) {
        this.listener.onWriteFailure?.(error as Error);
        if (attempt === 0 || attempt % 20 === 0) {
          this.logger.warn(
            `writing ${events.length} usage events failed (${(error as Error).message}); retrying`,
          );
        }
        for (const message of accepted) message.working();
        await sleep(Math.min(100 * 2 ** Math.min(attempt, 5), 2000));
      }
    }
  }

  private parse(message: JsMsg): UsageEvent | null {
    let reason: string;
    try {
      const parsed = UsageEvent.safeParse(decodeJson(message.data));
      if (parsed.success) return parsed.data;
      const issue = parsed.error.issues[0];
      reason = `not a usage event: ${issue.path.map(String).join('.')}: ${issue.message}`;
    } catch {
      reason = 'not JSON';
    }
    this.deadLetter(message, reason);
    return null;
  }

  private deadLetter(message: JsMsg, reason: string): void {
    const headers = createHeaders();
    headers.set('x-dead-letter-reason', reason.slice(0, 500));
    headers.set('x-original-subject', message.subject);
    this.listener.onDeadLetter?.(reason);
    this.connection
      .jetstream()
      .publish(this.namespace.subject(Subjects.usageDeadLetter), message.data, {
        headers,
        msgID: `dead-${message.seq}`,
      })
      .then(
        () => message.term(),
        (error: Error) => {
          this.logger.warn(`could not dead-letter message ${message.seq}: ${error.message}`);
          message.nak(5000);
        },
      );
  }
}
