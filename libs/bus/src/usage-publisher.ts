import { randomUUID } from 'node:crypto';
import type { JetStreamClient, NatsConnection } from 'nats';
import { Subjects, type UsageEvent } from '@switchyard/contracts';
import { outgoingHeaders } from './bus-headers';
import { BusNamespace } from './bus-namespace';
import { trimUsageEvent } from './trim-usage-event';

export interface UsagePublisherOptions {
  /** events kept in memory while JetStream is unreachable; beyond it the oldest are dropped and counted. */
  maxPending?: number;
  /** bytes kept in memory while JetStream is unreachable; beyond it the oldest are dropped and counted. */
  maxPendingBytes?: number;
  /** events per JetStream message at most. */
  maxBatchEvents?: number;
  /** bytes per JetStream message at most; default the server's `max_payload` less room for headers. */
  maxBatchBytes?: number;
  /** how long the first event of a batch waits for others before the batch is published. */
  maxBatchDelayMs?: number;
  onDropped?: (count: number) => void;
  onPublishFailure?: (error: Error) => void;
  /** an event too large for one message was trimmed (see `trimUsageEvent`). */
  onTrimmed?: () => void;
  /** a message was acknowledged: its events and size. */
  onPublished?: (events: number, bytes: number) => void;
}

/** Events of one subject on their way into one message, each already JSON. */
interface Gathering {
  events: string[];
  traceparents: (string | null)[];
  bytes: number;
}

/** One JetStream message: a `UsageBatch` kept as its events' JSON, so a retry or a split re-encodes nothing. */
interface Batch {
  subject: string;
  batchId: string;
  events: string[];
  traceparents: (string | null)[];
  bytes: number;
}

const DEFAULT_MAX_BATCH_EVENTS = 256;
const DEFAULT_MAX_BATCH_DELAY_MS = 5;
const DEFAULT_MAX_PENDING_BYTES = 64 * 1024 * 1024;
/** NATS' default `max_payload`, when the server has not said. */
const DEFAULT_MAX_PAYLOAD = 1024 * 1024;
/** Room for the message's headers (message id, trace context), which count against `max_payload`. */
const HEADER_ROOM_BYTES = 1024;
/** `{"batchId":"<uuid>","events":[` … `],"traceparents":[` … `]}` */
const ENVELOPE_BYTES = 96;

/**
 * Publishes usage events to JetStream without ever blocking the request that produced them.
 * Events published within a few milliseconds travel together (`UsageBatch`, one message per
 * provider subject): at load this turns thousands of acknowledged publishes, stored messages,
 * deliveries and acks per second into tens, which is most of what the bus and the ledger spend.
 * A message never exceeds the server's `max_payload`: batches are cut by bytes as well as by
 * events, an event too large for a message of its own is trimmed of its free text (it keeps its
 * cost; `trimUsageEvent`), and a message the server still refuses as too large is split, so one
 * event never holds back the others. A batch keeps its id across retries (JetStream deduplicates
 * a re-published batch; the ledger's primary key covers the rest), and failed batches are retried
 * with backoff, so a NATS restart loses nothing that fits in memory (bounded in events and in
 * bytes). `flush()` publishes and waits for everything at shutdown.
 */
export class UsagePublisher {
  private readonly jetstream: JetStreamClient;
  private readonly gathering = new Map<string, Gathering>();
  private gatherTimer: NodeJS.Timeout | null = null;
  private readonly retrying: Batch[] = [];
  private inFlightEvents = 0;
  private inFlightBytes = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryDelayMs = 100;
  private readonly maxPending: number;
  private readonly maxPendingBytes: number;
  private readonly maxBatchEvents: number;
  private readonly maxBatchDelayMs: number;
  private readonly idleWaiters: (() => void)[] = [];
  /** the last acknowledgement, or when the backlog last went from empty to not empty. */
  private progressAt = Date.now();

  constructor(
    private readonly connection: NatsConnection,
    private readonly namespace: BusNamespace = new BusNamespace(),
    private readonly options: UsagePublisherOptions = {},
  ) {
    this.jetstream = connection.jetstream();
    this.maxPending = options.maxPending ?? 100_000;
    this.maxPendingBytes = options.maxPendingBytes ?? DEFAULT_MAX_PENDING_BYTES;
    this.maxBatchEvents = options.maxBatchEvents ?? DEFAULT_MAX_BATCH_EVENTS;
    this.maxBatchDelayMs = options.maxBatchDelayMs ?? DEFAULT_MAX_BATCH_DELAY_MS;
  }

  /** The largest message this publisher sends, in bytes. */
  get maxBatchBytes(): number {
    const payload = this.connection.info?.max_payload ?? DEFAULT_MAX_PAYLOAD;
    return Math.min(this.options.maxBatchBytes ?? Infinity, payload - HEADER_ROOM_BYTES);
  }

  publish(event: UsageEvent): void {
    if (this.gathering.size === 0 && this.inFlightEvents === 0 && this.retrying.length === 0) {
      this.progressAt = Date.now();
    }
    const subject = this.namespace.subject(Subjects.usage(event.provider));
    const traceparent = outgoingHeaders()?.get('traceparent') || null;
    const json = this.encode(event, traceparent);
    const bytes = entryBytes(json, traceparent);
    let batch = this.gathering.get(subject);
    if (batch && batch.bytes + bytes > this.maxBatchBytes) {
      this.gathering.delete(subject);
      this.send(this.seal(subject, batch));
      batch = undefined;
    }
    if (!batch) {
      batch = { events: [], traceparents: [], bytes: ENVELOPE_BYTES };
      this.gathering.set(subject, batch);
    }
    batch.events.push(json);
    batch.traceparents.push(traceparent);
    batch.bytes += bytes;
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
      gathering + this.inFlightEvents + this.retrying.reduce((sum, batch) => sum + batch.events.length, 0)
    );
  }

  /**
   * How long the backlog has gone without an acknowledgement (0 when it is empty). Under steady
   * traffic the backlog is rarely empty but acknowledgements keep coming, so this stays near 0;
   * it grows only while JetStream is unreachable or refusing publishes.
   */
  get stalledMs(): number {
    return this.backlog === 0 ? 0 : Date.now() - this.progressAt;
  }

  /** bytes not yet acknowledged by JetStream (gathering, in flight, or waiting for a retry). */
  get backlogBytes(): number {
    let gathering = 0;
    for (const batch of this.gathering.values()) gathering += batch.bytes;
    return gathering + this.inFlightBytes + this.retrying.reduce((sum, batch) => sum + batch.bytes, 0);
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

  /**
   * The event's JSON, trimmed when it could not travel in a message of its own (or could not be
   * serialized at all): its cost always travels.
   */
  private encode(event: UsageEvent, traceparent: string | null): string {
    let json: string | null = null;
    try {
      json = JSON.stringify(event);
    } catch {
      // a value JSON cannot hold (nesting deeper than the stack, a cycle): trimmed below
    }
    const budget = this.maxBatchBytes - ENVELOPE_BYTES;
    if (json !== null && entryBytes(json, traceparent) <= budget) return json;
    this.options.onTrimmed?.();
    return JSON.stringify(trimUsageEvent(event, json === null ? null : Buffer.byteLength(json)));
  }

  private sendGathered(): void {
    if (this.gatherTimer !== null) {
      clearTimeout(this.gatherTimer);
      this.gatherTimer = null;
    }
    for (const [subject, batch] of this.gathering) this.send(this.seal(subject, batch));
    this.gathering.clear();
  }

  private seal(subject: string, batch: Gathering): Batch {
    return { subject, batchId: randomUUID(), ...batch };
  }

  private send(batch: Batch): void {
    const count = batch.events.length;
    this.inFlightEvents += count;
    this.inFlightBytes += batch.bytes;
    const data = encodeBatch(batch);
    const done = () => {
      this.inFlightEvents -= count;
      this.inFlightBytes -= batch.bytes;
    };
    // an async wrapper: a refusal thrown before the publish starts is a rejection like the others
    (async () => this.jetstream.publish(batch.subject, data, { msgID: batch.batchId }))().then(
      () => {
        done();
        this.progressAt = Date.now();
        this.retryDelayMs = 100;
        this.options.onPublished?.(count, data.byteLength);
        this.notifyIfIdle();
      },
      (error: Error) => {
        done();
        this.options.onPublishFailure?.(error);
        if (isPayloadTooLarge(error)) {
          // never stored, so new ids are safe: halves go on at once, a lone event trimmed
          for (const part of this.split(batch)) this.send(part);
          return;
        }
        this.keep(batch);
        this.scheduleRetry(this.retryDelayMs);
        this.retryDelayMs = Math.min(this.retryDelayMs * 2, 5000);
      },
    );
  }

  /** A batch the server refused as too large: two halves, or its one event trimmed. */
  private split(batch: Batch): Batch[] {
    if (batch.events.length === 1) {
      const event = JSON.parse(batch.events[0]) as UsageEvent;
      if (event.metadata?.switchyard_trimmed !== undefined && event.user === null) {
        this.options.onDropped?.(1); // trimmed and still refused: nothing smaller can be sent
        return [];
      }
      this.options.onTrimmed?.();
      const json = JSON.stringify(trimUsageEvent(event, Buffer.byteLength(batch.events[0])));
      return [this.part(batch, [json], batch.traceparents)];
    }
    const middle = Math.ceil(batch.events.length / 2);
    return [
      this.part(batch, batch.events.slice(0, middle), batch.traceparents.slice(0, middle)),
      this.part(batch, batch.events.slice(middle), batch.traceparents.slice(middle)),
    ];
  }

  private part(batch: Batch, events: string[], traceparents: (string | null)[]): Batch {
    const bytes = events.reduce(
      (sum, json, index) => sum + entryBytes(json, traceparents[index]),
      ENVELOPE_BYTES,
    );
    return { subject: batch.subject, batchId: randomUUID(), events, traceparents, bytes };
  }

  private keep(batch: Batch): void {
    this.retrying.push(batch);
    let pendingEvents = this.retrying.reduce((sum, item) => sum + item.events.length, 0);
    let pendingBytes = this.retrying.reduce((sum, item) => sum + item.bytes, 0);
    while (
      (pendingEvents > this.maxPending || pendingBytes > this.maxPendingBytes) &&
      this.retrying.length > 1
    ) {
      const dropped = this.retrying.shift()!;
      pendingEvents -= dropped.events.length;
      pendingBytes -= dropped.bytes;
      this.options.onDropped?.(dropped.events.length);
    }
  }

  private scheduleRetry(delayMs: number): void {
    if (this.retryTimer !== null || this.retrying.length === 0) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      for (const batch of this.retrying.splice(0, this.retrying.length)) this.send(batch);
    }, delayMs);
    // retries never keep a process alive: shutdown calls flush(), which waits for them
    this.retryTimer.unref();
  }

  private notifyIfIdle(): void {
    if (this.backlog !== 0) return;
    for (const waiter of this.idleWaiters.splice(0)) waiter();
  }
}

/** An event's share of a message: its JSON, a comma, and its traceparent entry. */
function entryBytes(json: string, traceparent: string | null): number {
  return Buffer.byteLength(json) + 1 + (traceparent === null ? 5 : traceparent.length + 3);
}

/** The `UsageBatch` JSON, assembled from the events' JSON (traceparents only when one is set). */
function encodeBatch(batch: Batch): Buffer {
  const traced = batch.traceparents.some((traceparent) => traceparent !== null);
  const traceparents = traced ? `,"traceparents":${JSON.stringify(batch.traceparents)}` : '';
  return Buffer.from(`{"batchId":"${batch.batchId}","events":[${batch.events.join(',')}]${traceparents}}`);
}

/** The server's `max_payload`, or a stream's `max_msg_size` (JetStream error 10054): a smaller message would pass. */
function isPayloadTooLarge(error: Error): boolean {
  const code = (error as { code?: string }).code;
  const apiCode = (error as { api_error?: { err_code?: number } }).api_error?.err_code;
  return (
    code === 'MAX_PAYLOAD_EXCEEDED' ||
    apiCode === 10054 ||
    /message size exceeds maximum/i.test(error.message)
  );
}
