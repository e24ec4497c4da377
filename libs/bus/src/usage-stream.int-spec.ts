import { connect, type JetStreamManager, type NatsConnection } from 'nats';
import { Streams } from '@switchyard/contracts';
import { testInfrastructure, uniqueSuffix } from '@switchyard/testing';
import { BusNamespace } from './bus-namespace';
import { DEFAULT_USAGE_STREAM_LIMITS, ensureUsageStreams } from './usage-stream';

describe(ensureUsageStreams.name, () => {
  let connection: NatsConnection;
  let manager: JetStreamManager;
  const created: BusNamespace[] = [];

  beforeAll(async () => {
    connection = await connect({ servers: testInfrastructure().natsUrl });
    manager = await connection.jetstreamManager();
  });

  afterAll(async () => {
    for (const namespace of created) {
      for (const stream of [Streams.usage, Streams.usageDeadLetter]) {
        await manager.streams.delete(namespace.name(stream.name)).catch(() => undefined);
      }
    }
    await connection?.drain();
  });

  async function maxBytes(namespace: BusNamespace): Promise<[number, number]> {
    const usage = await manager.streams.info(namespace.name(Streams.usage.name));
    const dead = await manager.streams.info(namespace.name(Streams.usageDeadLetter.name));
    return [usage.config.max_bytes, dead.config.max_bytes];
  }

  it('creates both streams bounded in bytes (a publisher: the defaults)', async () => {
    const namespace = new BusNamespace(`t${uniqueSuffix()}.`);
    created.push(namespace);
    await ensureUsageStreams(manager, namespace);
    expect(await maxBytes(namespace)).toEqual([
      DEFAULT_USAGE_STREAM_LIMITS.usageMaxBytes,
      DEFAULT_USAGE_STREAM_LIMITS.deadLetterMaxBytes,
    ]);
  });

  it("holds existing streams to the ledger's limits, and a publisher changes nothing", async () => {
    const namespace = new BusNamespace(`t${uniqueSuffix()}.`);
    created.push(namespace);
    await ensureUsageStreams(manager, namespace);
    const limits = { usageMaxBytes: 8 * 1024 * 1024, deadLetterMaxBytes: 2 * 1024 * 1024 };
    await ensureUsageStreams(manager, namespace, { limits });
    expect(await maxBytes(namespace)).toEqual([limits.usageMaxBytes, limits.deadLetterMaxBytes]);
    await ensureUsageStreams(manager, namespace);
    expect(await maxBytes(namespace)).toEqual([limits.usageMaxBytes, limits.deadLetterMaxBytes]);
  });
});
