import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  AckPolicy,
  type Consumer,
  DeliverPolicy,
  headers as createHeaders,
  type JsMsg,
  type MsgHdrs,
  type NatsConnection,
  nanos,
} from 'nats';
import {
  BusNamespace,
  contextFromHeaders,
  decodeJson,
  encodeJson,
  ensureUsageStreams,
  type UsageStreamLimits,
} from '@switchyard/bus';
import {
  Consumers,
  RoutingLogRecord,
  Streams,
  Subjects,
  UsageBatch,
  UsageEvent,
} from '@switchyard/contracts';
import { SpanKind, tracer } from '@switchyard/telemetry';
import { BUS_CONNECTION, USAGE_CONSUMER_LISTENER, USAGE_CONSUMER_OPTIONS } from '../infrastructure/tokens';
import { minimalUsageEvent, salvageUsageEvent } from './minimal-usage-event';
import { readUsageEvent } from './read-usage-event';
import { type InsertResult, UsageStore } from './usage-store';
import { type LedgerBacklog, readLedgerBacklog } from './ledger-backlog';
import { PullLoop } from './pull-loop';

export interface UsageConsumerOptions {
  /** usage events per database write (a full batch is written at once). */
  batchSize: number;
  /** how long a partial batch waits for more events before it is written. */
  maxBatchWaitMs: number;
  /** redelivery delay of an unacknowledged message (after a crash). */
  ackWaitMs: number;
  /** batches written at the same time (each write takes one database connection). */
  writeConcurrency: number;
  /** `max_bytes` of the usage streams, applied to them at start (default: the streams' defaults). */
  streamLimits?: UsageStreamLimits;
  /** replicas of the USAGE streams if this consumer creates them (1 when unset). */
  streamReplicas?: number;
  /**
   * where the owner's loop records (`usage.routing.asks.v1`, same stream) go; without one they are
   * dead-lettered like any message the ledger cannot store.
   */
  routingLog?: RoutingLogSink;
}

/** Stores one routing-log record (`RoutedAskStore`); throws when the database fails. */
export interface RoutingLogSink {
  record(record: RoutingLogRecord): Promise<void>;
}

/** How full one usage stream is. */
export interface UsageStreamState {
  stream: 'usage' | 'usage_dead';
  bytes: number;
  maxBytes: number;
  messages: number;
}

export interface UsageConsumerListener {
  /** after the commit and the acknowledgements; `received` counts the batch's readable events. */
  onBatchWritten?(result: InsertResult, received: number, durationMs: number): void;
  onDeadLetter?(reason: string): void;
  /** an event stored as its minimal row (refused or unreadable as it was, charged all the same). */
  onMinimalRow?(reason: string): void;
  onWriteFailure?(error: Error): void;
}

/** One JetStream message and what it carried: a usage event, or a `UsageBatch` of them. */
interface Delivery {
  message: JsMsg;
  events: UsageEvent[];
  /** the trace context of each event, when the producer traced it. */
  traces: (MsgHdrs | null)[];
  /** dead-letter publishes of the unreadable events it carried; the message is acked after them. */
  deadLetters: Promise<boolean>[];
}

/** An event Postgres would not store (bad data, not a failure of the database). */
interface Refused {
  event: UsageEvent;
  reason: string;
}

const MINIMAL_ROW_NOTE = 'stored as a minimal row, its cost charged to its key';

/**
 * Messages asked for by one pull request. A message carries one event or a batch of up to 256, so
 * a pull holds up to about 16 full batches of 500: few enough that the last is written well within
 * `ackWaitMs` even while every writer is busy. The next pull is sent when this one has ended, so a
 * ledger busy writing asks for no more (the backlog waits in JetStream, not in its memory).
 */
const PULL_MESSAGES = 32;
/**
 * Lifetime of each pull request. On a JetStream cluster a pull held by a node that dies is lost
 * with it, so this bounds how long the ledger stops consuming after a consumer leader's node dies
 * (the client's 30 s default stalled it for a minute: test/chaos/nats-cluster.chaos-spec.ts).
 */
const PULL_EXPIRES_MS = 5_000;
/**
 * A pull silent this long (no message, not even its end) is abandoned and a new one sent. The
 * server ends every pull by its lifetime, and nats.js's `fetch` closes itself at 1.05 × that, so
 * this is the backstop that holds whatever the client does: with nats.js's refilling `consume()`,
 * a pull lost or miscounted once left the ledger idle while 850 messages waited
 * (`npm run bench -- --quick`).
 */
const PULL_SILENCE_MS = PULL_EXPIRES_MS + 2_000;
/** Pause before pulling again after a pull could not be sent (the connection or the consumer failed). */
const PULL_RETRY_MS = 1_000;

/**
 * The durable JetStream consumer `ledger` on stream `USAGE`: collects usage events into batches
 * (a message carries one event or a `UsageBatch`), writes each batch in one transaction, and
 * acknowledges a message only after the commit. Duplicates are ignored by event id; an event
 * that cannot be read, or that Postgres refuses, goes to the dead-letter stream (with its reason)
 * instead of being redelivered forever, and the other events of its message are stored. A
 * dead-lettered event that names its call and cost is still stored as its minimal row
 * (`minimalUsageEvent`): a billed call always reaches its key's spend. While Postgres is down it
 * keeps the batch and retries, telling JetStream it is still working so nothing is redelivered
 * meanwhile. Up to `writeConcurrency` batches are written at once.
 */
@Injectable()
export class UsageConsumer {
  private readonly logger = new Logger(UsageConsumer.name);
  private pulls: PullLoop<JsMsg> | null = null;
  private pending: Delivery[] = [];
  private pendingEvents = 0;
  private readonly writing = new Set<Promise<void>>();
  /** routing-log records are stored one after another, in stream order (an explicit re-ask after its ask). */
  private routingLogWrites: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  /** the owner's-loop records' subject, among the usage messages */
  private readonly routingLogSubject: string;

  constructor(
    @Inject(BUS_CONNECTION) private readonly connection: NatsConnection,
    @Inject(BusNamespace) private readonly namespace: BusNamespace,
    @Inject(UsageStore) private readonly store: UsageStore,
    @Inject(USAGE_CONSUMER_OPTIONS) private readonly options: UsageConsumerOptions,
    @Inject(USAGE_CONSUMER_LISTENER) private readonly listener: UsageConsumerListener = {},
  ) {
    this.routingLogSubject = namespace.subject(Subjects.routingLog);
  }

  async start(): Promise<void> {
    let consumer = await this.ensureConsumer();
    this.pulls = new PullLoop(
      async (afterFailure) => {
        // a pull fails when the durable consumer (or its stream) is gone: deleted by an operator,
        // or lost with a JetStream's state; make it again, or nothing would ever be stored
        if (afterFailure) consumer = await this.ensureConsumer();
        return consumer.fetch({ max_messages: PULL_MESSAGES, expires: PULL_EXPIRES_MS });
      },
      {
        receive: (message) => this.receive(message),
        release: (message) => message.nak(),
      },
      {
        silenceMs: PULL_SILENCE_MS,
        retryMs: PULL_RETRY_MS,
        warn: (message) => this.logger.warn(`usage messages: ${message}`),
      },
    );
    this.pulls.start();
  }

  /**
   * The usage streams and the durable consumer `ledger`, made where missing (several ledgers may
   * do it at once: JetStream takes the same definition twice), with this ledger's `ack_wait` and
   * `max_ack_pending` applied where it exists.
   */
  private async ensureConsumer(): Promise<Consumer> {
    const manager = await this.connection.jetstreamManager();
    await ensureUsageStreams(manager, this.namespace, {
      limits: this.options.streamLimits,
      replicas: this.options.streamReplicas,
    });
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
    return this.connection.jetstream().consumers.get(stream, durable);
  }

  /** Stops pulling, writes what is pending, and returns when it is committed and acknowledged. */
  async stop(): Promise<void> {
    await this.pulls?.stop();
    this.flushNow();
    while (this.writing.size > 0) await Promise.all([...this.writing]);
    await this.routingLogWrites;
  }

  /** Usage messages this consumer has not yet acknowledged, and the age of the oldest. */
  async backlog(): Promise<LedgerBacklog> {
    return readLedgerBacklog(await this.connection.jetstreamManager(), this.namespace);
  }

  /** Bytes, limit and messages of `USAGE` and `USAGE_DEAD` (for the fill-ratio metrics and alert). */
  async streamStates(): Promise<UsageStreamState[]> {
    const manager = await this.connection.jetstreamManager();
    const states: UsageStreamState[] = [];
    for (const [stream, label] of [
      [Streams.usage, 'usage'],
      [Streams.usageDeadLetter, 'usage_dead'],
    ] as const) {
      const info = await manager.streams.info(this.namespace.name(stream.name));
      states.push({
        stream: label,
        bytes: info.state.bytes,
        maxBytes: info.config.max_bytes,
        messages: info.state.messages,
      });
    }
    return states;
  }

  /** Batches being written now (the next full batch waits while `writeConcurrency` are). */
  get batchesInFlight(): number {
    return this.writing.size;
  }

  private async receive(message: JsMsg): Promise<void> {
    if (message.subject === this.routingLogSubject) {
      this.routingLogWrites = this.routingLogWrites.then(() => this.storeRoutingLog(message));
      return;
    }
    const delivery = this.read(message);
    this.pending.push(delivery);
    this.pendingEvents += delivery.events.length;
    if (this.pendingEvents >= this.options.batchSize) {
      while (this.writing.size >= this.options.writeConcurrency) await Promise.race(this.writing);
      this.flushNow();
    } else if (this.timer === null) {
      this.armTimer();
    }
  }

  /** A partial batch is written after `maxBatchWaitMs`, or later while every writer is busy. */
  private armTimer(): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.writing.size >= this.options.writeConcurrency) this.armTimer();
      else this.flushNow();
    }, this.options.maxBatchWaitMs);
  }

  private flushNow(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.pendingEvents = 0;
    const write: Promise<void> = this.flush(batch).finally(() => this.writing.delete(write));
    this.writing.add(write);
  }

  private async flush(batch: Delivery[]): Promise<void> {
    const events = batch.flatMap((delivery) => delivery.events);
    const started = performance.now();
    for (let attempt = 0; ; attempt += 1) {
      try {
        const written = await this.write(events);
        if (written.refused.length > 0) this.deadLetterRefused(batch, written.refused);
        await Promise.all(batch.map((delivery) => this.settle(delivery)));
        traceInserts(batch, started);
        this.listener.onBatchWritten?.(written.result, events.length, performance.now() - started);
        return;
      } catch (error) {
        this.listener.onWriteFailure?.(error as Error);
        if (attempt === 0 || attempt % 20 === 0) {
          this.logger.warn(
            `writing ${events.length} usage events failed (${(error as Error).message}); retrying`,
          );
        }
        for (const delivery of batch) delivery.message.working();
        await sleep(Math.min(100 * 2 ** Math.min(attempt, 5), 2000));
      }
    }
  }

  /**
   * Writes the events; when Postgres refuses their data (an error of class 22: a number out of
   * range, a date it cannot read…), halves the batch until the events it refuses are alone. Such
   * an event is stored as its minimal row instead (its cost charged) and goes to the dead-letter
   * stream as it was, and the others are stored. Any other failure is thrown (and retried).
   */
  private async write(events: UsageEvent[]): Promise<{ result: InsertResult; refused: Refused[] }> {
    try {
      return { result: await this.store.insert(events), refused: [] };
    } catch (error) {
      if (!isRefusedData(error)) throw error;
      if (events.length === 1) return this.writeMinimalRow(events[0], error as Error);
      const middle = Math.floor(events.length / 2);
      const first = await this.write(events.slice(0, middle));
      const second = await this.write(events.slice(middle));
      return {
        result: {
          inserted: [...first.result.inserted, ...second.result.inserted],
          keyWindows: [...first.result.keyWindows, ...second.result.keyWindows],
          budgetedKeyIds: [...first.result.budgetedKeyIds, ...second.result.budgetedKeyIds],
        },
        refused: [...first.refused, ...second.refused],
      };
    }
  }

  private async writeMinimalRow(
    event: UsageEvent,
    error: Error,
  ): Promise<{ result: InsertResult; refused: Refused[] }> {
    const reason = `refused by the database: ${error.message}`;
    try {
      const result = await this.store.insert([minimalUsageEvent(event, { reason })]);
      this.listener.onMinimalRow?.(reason);
      return { result, refused: [{ event, reason: `${reason}; ${MINIMAL_ROW_NOTE}` }] };
    } catch (minimalError) {
      if (!isRefusedData(minimalError)) throw minimalError;
      return { result: { inserted: [], keyWindows: [], budgetedKeyIds: [] }, refused: [{ event, reason }] };
    }
  }

  private deadLetterRefused(batch: readonly Delivery[], refused: readonly Refused[]): void {
    for (const { event, reason } of refused) {
      const delivery = batch.find((candidate) => candidate.events.includes(event));
      if (!delivery) continue;
      const index = delivery.events.indexOf(event);
      delivery.deadLetters.push(this.deadLetter(delivery.message, encodeJson(event), reason, 1000 + index));
    }
  }

  /** After the commit: ack, or term when the message held nothing readable (it is dead-lettered). */
  private async settle(delivery: Delivery): Promise<void> {
    const deadLettered = await Promise.all(delivery.deadLetters);
    if (deadLettered.some((published) => !published)) {
      // the stored events are stored; a redelivery only retries the dead letters
      delivery.message.nak(5000);
    } else if (delivery.events.length === 0) {
      delivery.message.term();
    } else {
      delivery.message.ack();
    }
  }

  private read(message: JsMsg): Delivery {
    const delivery: Delivery = { message, events: [], traces: [], deadLetters: [] };
    let decoded: unknown;
    try {
      decoded = decodeJson(message.data);
    } catch {
      delivery.deadLetters.push(this.deadLetter(message, message.data, 'not JSON', 0));
      return delivery;
    }
    const batch = UsageBatch.safeParse(decoded);
    if (batch.success) {
      batch.data.events.forEach((item, index) => {
        const event = readUsageEvent(item);
        const trace = traceOf(batch.data.traceparents?.[index] ?? null);
        if (event.success) {
          delivery.events.push(event.data);
          delivery.traces.push(trace);
        } else {
          const reason = describe(event.error.issues[0], `events[${index}]`);
          this.salvage(delivery, item, reason, trace, () => encodeJson(item), index);
        }
      });
      return delivery;
    }
    const event = readUsageEvent(decoded);
    const trace = message.headers?.has('traceparent') ? message.headers : null;
    if (event.success) {
      delivery.events.push(event.data);
      delivery.traces.push(trace);
    } else {
      this.salvage(delivery, decoded, describe(event.error.issues[0], ''), trace, () => message.data, 0);
    }
    return delivery;
  }

  /** An unreadable event: dead-lettered as it was, and its minimal row stored when it has one. */
  private salvage(
    delivery: Delivery,
    value: unknown,
    reason: string,
    trace: MsgHdrs | null,
    data: () => Uint8Array,
    index: number,
  ): void {
    const minimal = salvageUsageEvent(value, { reason });
    if (minimal !== null) {
      delivery.events.push(minimal);
      delivery.traces.push(trace);
      this.listener.onMinimalRow?.(reason);
    }
    const note = minimal === null ? reason : `${reason}; ${MINIMAL_ROW_NOTE}`;
    delivery.deadLetters.push(this.deadLetter(delivery.message, data(), note, index));
  }

  /**
   * One owner's-loop record (a routed ask, or an explicit re-ask that labels one): stored on its
   * own, acknowledged after the write; unreadable → dead-lettered; a database failure → redelivered.
   */
  private async storeRoutingLog(message: JsMsg): Promise<void> {
    let parsed: ReturnType<typeof RoutingLogRecord.safeParse>;
    try {
      parsed = RoutingLogRecord.safeParse(decodeJson(message.data));
    } catch {
      if (await this.deadLetter(message, message.data, 'not JSON', 0)) message.term();
      else message.nak(5000);
      return;
    }
    const sink = this.options.routingLog;
    if (!parsed.success || sink === undefined) {
      const reason = parsed.success
        ? 'a routing-log record, and this ledger stores none'
        : `not a routing-log record: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`;
      if (await this.deadLetter(message, message.data, reason, 0)) message.term();
      else message.nak(5000);
      return;
    }
    try {
      await sink.record(parsed.data);
      message.ack();
    } catch (error) {
      this.listener.onWriteFailure?.(error as Error);
      this.logger.warn(`storing a routed ask failed (${(error as Error).message}); redelivering`);
      message.nak(2000);
    }
  }

  /** Publishes an unreadable event with its reason; resolves false when that failed. */
  private async deadLetter(
    message: JsMsg,
    data: Uint8Array,
    reason: string,
    index: number,
  ): Promise<boolean> {
    const headers = createHeaders();
    headers.set('x-dead-letter-reason', reason.slice(0, 500));
    headers.set('x-original-subject', message.subject);
    this.listener.onDeadLetter?.(reason);
    try {
      await this.connection.jetstream().publish(this.namespace.subject(Subjects.usageDeadLetter), data, {
        headers,
        msgID: `dead-${message.seq}-${index}`,
      });
      return true;
    } catch (error) {
      this.logger.warn(`could not dead-letter message ${message.seq}: ${(error as Error).message}`);
      return false;
    }
  }
}

/** Postgres refused the data itself (SQLSTATE class 22: a NUL, a number out of range…). */
function isRefusedData(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  const driverCode = (error as { driverError?: { code?: string } }).driverError?.code;
  return (code ?? driverCode ?? '').startsWith('22');
}

function describe(issue: { path: PropertyKey[]; message: string } | undefined, prefix: string): string {
  const path = [prefix, ...(issue?.path ?? []).map(String)].filter(Boolean).join('.');
  return `not a usage event: ${path}: ${issue?.message ?? 'invalid'}`;
}

function traceOf(traceparent: string | null): MsgHdrs | null {
  if (traceparent === null) return null;
  const headers = createHeaders();
  headers.set('traceparent', traceparent);
  return headers;
}

/** One `ledger insert` span per traced event, in the trace of the request that produced it. */
function traceInserts(batch: readonly Delivery[], startedAt: number): void {
  const startTime = performance.timeOrigin + startedAt;
  for (const delivery of batch) {
    for (const trace of delivery.traces) {
      if (trace === null) continue;
      tracer
        .startSpan(
          'ledger insert',
          {
            kind: SpanKind.CONSUMER,
            startTime,
            attributes: { 'messaging.message.id': String(delivery.message.seq) },
          },
          contextFromHeaders(trace),
        )
        .end();
    }
  }
}
