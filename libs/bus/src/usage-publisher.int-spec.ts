import { connect, type JetStreamManager, type NatsConnection } from 'nats';
import { Streams, type UsageBatch, type UsageEvent } from '@switchyard/contracts';
import {
  eventually,
  makeUsageEvent,
  testInfrastructure,
  uniqueSuffix,
  TEST_USAGE_STREAM_LIMITS,
} from '@switchyard/testing';
import { BusNamespace } from './bus-namespace';
import { ensureUsageStreams } from './usage-stream';
import { UsagePublisher } from './usage-publisher';

interface StoredMessage {
  bytes: number;
  batch: UsageBatch;
}

async function storedMessages(manager: JetStreamManager, stream: string): Promise<StoredMessage[]> {
  const info = await manager.streams.info(stream);
  const messages: StoredMessage[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq += 1) {
    const message = await manager.streams.getMessage(stream, { seq });
    messages.push({
      bytes: message.data.byteLength,
      batch: JSON.parse(Buffer.from(message.data).toString('utf8')) as UsageBatch,
    });
  }
  return messages;
}

function storedEvents(messages: readonly StoredMessage[]): UsageEvent[] {
  return messages.flatMap((message) => message.batch.events as UsageEvent[]);
}

describe(UsagePublisher.name, () => {
  let connection: NatsConnection;
  let manager: JetStreamManager;

  beforeAll(async () => {
    connection = await connect({ servers: testInfrastructure().natsUrl });
    manager = await connection.jetstreamManager();
  });

  const created: BusNamespace[] = [];

  afterAll(async () => {
    for (const namespace of created) {
      for (const stream of [Streams.usage, Streams.usageDeadLetter]) {
        await manager.streams.delete(namespace.name(stream.name)).catch(() => undefined);
      }
    }
    await connection?.drain();
  });

  async function freshNamespace(): Promise<BusNamespace> {
    const namespace = new BusNamespace(`t${uniqueSuffix()}.`);
    created.push(namespace);
    await ensureUsageStreams(manager, namespace, { createWithLimits: TEST_USAGE_STREAM_LIMITS });
    return namespace;
  }

  it('publishes an event larger than a message (7 MB of metadata) trimmed with its cost, and the rest of its batch untouched', async () => {
    const namespace = await freshNamespace();
    let trimmed = 0;
    const sut = new UsagePublisher(connection, namespace, { onTrimmed: () => (trimmed += 1) });
    const others = Array.from({ length: 20 }, () => makeUsageEvent({ keyId: 'key-other', user: 'u' }));
    const huge = makeUsageEvent({
      keyId: 'key-huge',
      user: 'x'.repeat(1000),
      metadata: { blob: 'm'.repeat(7 * 1024 * 1024) },
    });
    for (const event of [...others.slice(0, 10), huge, ...others.slice(10)]) sut.publish(event);

    expect(await sut.flush(15_000)).toBe(true);
    expect(sut.backlog).toBe(0);
    expect(sut.backlogBytes).toBe(0);
    const messages = await storedMessages(manager, namespace.name(Streams.usage.name));
    const events = storedEvents(messages);
    expect(events.map((event) => event.eventId).sort()).toEqual(
      [...others, huge].map((event) => event.eventId).sort(),
    );
    expect(events.filter((event) => event.keyId === 'key-other')).toEqual(expect.arrayContaining(others));
    const stored = events.find((event) => event.eventId === huge.eventId)!;
    expect(stored).toMatchObject({
      costUsd: huge.costUsd,
      tokens: huge.tokens,
      keyId: 'key-huge',
      user: null,
    });
    expect(stored.metadata).toMatchObject({ switchyard_trimmed: { bytes: expect.any(Number) } });
    expect(trimmed).toBe(1);
    const maxPayload = connection.info!.max_payload;
    for (const message of messages) expect(message.bytes).toBeLessThanOrEqual(maxPayload);
  });

  it('cuts batches by bytes: 300 events of 15 KB metadata travel in messages of at most maxBatchBytes', async () => {
    const namespace = await freshNamespace();
    const sut = new UsagePublisher(connection, namespace, { maxBatchBytes: 100_000 });
    const events = Array.from({ length: 300 }, () =>
      makeUsageEvent({ metadata: { note: 'n'.repeat(15_000) } }),
    );
    for (const event of events) sut.publish(event);

    expect(await sut.flush(15_000)).toBe(true);
    const messages = await storedMessages(manager, namespace.name(Streams.usage.name));
    expect(storedEvents(messages)).toHaveLength(300);
    expect(Math.max(...messages.map((message) => message.bytes))).toBeLessThanOrEqual(100_000);
    expect(messages.length).toBeGreaterThanOrEqual(300 / 6);
  });

  it('splits a batch the stream refuses as too large (max_msg_size) until every event is stored', async () => {
    const namespace = await freshNamespace();
    const stream = namespace.name(Streams.usage.name);
    const info = await manager.streams.info(stream);
    await manager.streams.update(stream, { ...info.config, max_msg_size: 64 * 1024 });
    const sut = new UsagePublisher(connection, namespace);
    const events = Array.from({ length: 40 }, () =>
      makeUsageEvent({ metadata: { note: 'n'.repeat(20_000) } }),
    );
    const lone = makeUsageEvent({ metadata: { note: 'n'.repeat(100_000) } });
    for (const event of [...events, lone]) sut.publish(event);

    expect(await sut.flush(20_000)).toBe(true);
    const stored = storedEvents(await storedMessages(manager, stream));
    expect(stored.map((event) => event.eventId).sort()).toEqual(
      [...events, lone].map((event) => event.eventId).sort(),
    );
    expect(stored.find((event) => event.eventId === lone.eventId)?.costUsd).toBe(lone.costUsd);
  });

  it('bounds its backlog by bytes while JetStream refuses every publish (the oldest are dropped and counted)', async () => {
    // a namespace without streams: every publish is refused at once
    const namespace = new BusNamespace(`t${uniqueSuffix()}.`);
    let dropped = 0;
    const sut = new UsagePublisher(connection, namespace, {
      maxBatchEvents: 1,
      maxPendingBytes: 100_000,
      onDropped: (count) => (dropped += count),
    });
    for (let index = 0; index < 50; index += 1) {
      sut.publish(makeUsageEvent({ metadata: { note: 'n'.repeat(10_000) } }));
    }
    await eventually(
      () => Promise.resolve(dropped),
      (count) => count >= 40,
    );
    expect(sut.backlogBytes).toBeLessThanOrEqual(100_000 + 11_000);
    expect(sut.backlog).toBeLessThanOrEqual(10);
  });

  it('reports how long its backlog has gone without an acknowledgement, and 0 once JetStream takes it', async () => {
    // a namespace without streams: every publish is refused until the streams exist
    const namespace = new BusNamespace(`t${uniqueSuffix()}.`);
    const sut = new UsagePublisher(connection, namespace);
    expect(sut.stalledMs).toBe(0);
    sut.publish(makeUsageEvent());
    const stalled = await eventually(
      () => Promise.resolve(sut.stalledMs),
      (milliseconds) => milliseconds > 200,
    );
    expect(stalled).toBeGreaterThan(200);
    expect(sut.backlog).toBe(1);

    created.push(namespace);
    await ensureUsageStreams(manager, namespace, {
      limits: { usageMaxBytes: 1024 * 1024, deadLetterMaxBytes: 1024 * 1024 },
    });
    expect(await sut.flush(20_000)).toBe(true);
    expect(sut.stalledMs).toBe(0);
  });
});
