import { AckPolicy, connect, DeliverPolicy, type JetStreamManager, type NatsConnection } from 'nats';
import { BusNamespace, encodeJson, ensureUsageStreams } from '@switchyard/bus';
import { Consumers, Streams, Subjects } from '@switchyard/contracts';
import { eventually, makeUsageEvent, testInfrastructure, uniqueSuffix } from '@switchyard/testing';
import { readLedgerBacklog } from './ledger-backlog';

describe(readLedgerBacklog.name, () => {
  let connection: NatsConnection;
  let manager: JetStreamManager;
  const namespace = new BusNamespace(`t${uniqueSuffix()}.`);
  const stream = namespace.name(Streams.usage.name);
  const durable = namespace.name(Consumers.ledger);

  beforeAll(async () => {
    connection = await connect({ servers: testInfrastructure().natsUrl, name: 'ledger-backlog-test' });
    manager = await connection.jetstreamManager();
    // small limits: JetStream reserves max_bytes of storage per stream
    await ensureUsageStreams(manager, namespace, {
      limits: { usageMaxBytes: 1024 * 1024, deadLetterMaxBytes: 1024 * 1024 },
    });
    await manager.consumers.add(stream, {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
    });
  });

  afterAll(async () => {
    for (const name of [stream, namespace.name(Streams.usageDeadLetter.name)]) {
      await manager.streams.delete(name).catch(() => undefined);
    }
    await connection.close();
  });

  it('counts what the ledger has not acknowledged, not the acknowledged messages the stream keeps', async () => {
    const jetstream = connection.jetstream();
    for (let index = 0; index < 3; index += 1) {
      const event = makeUsageEvent();
      await jetstream.publish(namespace.subject(Subjects.usage(event.provider)), encodeJson(event));
    }
    const unread = await eventually(
      () => readLedgerBacklog(manager, namespace),
      (backlog) => backlog.unreadMessages === 3 && backlog.oldestUnreadAgeSeconds > 0,
    );
    expect(unread.unreadMessages).toBe(3);

    // delivered but not yet acknowledged is still unread
    const consumer = await jetstream.consumers.get(stream, durable);
    const first = await consumer.next();
    expect((await readLedgerBacklog(manager, namespace)).unreadMessages).toBe(3);
    await first!.ackAck();
    expect((await readLedgerBacklog(manager, namespace)).unreadMessages).toBe(2);

    const rest = await consumer.fetch({ max_messages: 2, expires: 5000 });
    for await (const message of rest) await message.ackAck();
    const caughtUp = await readLedgerBacklog(manager, namespace);
    expect(caughtUp).toEqual({ unreadMessages: 0, oldestUnreadAgeSeconds: 0 });
    expect((await manager.streams.info(stream)).state.messages).toBe(3);
  });
});
