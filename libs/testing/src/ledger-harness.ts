import Redis from 'ioredis';
import { connect, type NatsConnection } from 'nats';
import { BusClient, BusNamespace, ensureUsageStreams } from '@switchyard/bus';
import { testInfrastructure } from './infrastructure';
import { TestFleet, type TestFleetOptions } from './test-fleet';
import { TEST_USAGE_STREAM_LIMITS } from './test-streams';

/**
 * A ledger of its own for an integration spec: the fleet runs only the ledger, `connection` and
 * `bus` talk to it in the fleet's bus namespace (whose usage streams exist, at the test limits),
 * and `redis` reads the fleet's Redis prefix.
 */
export interface LedgerHarness {
  fleet: TestFleet;
  connection: NatsConnection;
  namespace: BusNamespace;
  bus: BusClient;
  redis: Redis;
  /** Closes Redis and NATS, then stops the fleet. */
  stop(): Promise<void>;
}

/** Starts a {@link LedgerHarness}; `options` as `TestFleet.start`'s (the services are the ledger only). */
export async function startLedgerHarness(
  options: Omit<TestFleetOptions, 'only'> = {},
): Promise<LedgerHarness> {
  const fleet = await TestFleet.start({ ...options, only: (spec) => spec.name === 'ledger' });
  let connection: NatsConnection | undefined;
  let redis: Redis | undefined;
  const stop = async () => {
    redis?.disconnect();
    await connection?.drain();
    await fleet.stop();
  };
  try {
    const namespace = new BusNamespace(fleet.namespace);
    connection = await connect({ servers: testInfrastructure().natsUrl });
    await ensureUsageStreams(await connection.jetstreamManager(), namespace, {
      createWithLimits: TEST_USAGE_STREAM_LIMITS,
    });
    const bus = new BusClient(connection, namespace);
    redis = new Redis(testInfrastructure().redisUrl, { keyPrefix: fleet.redisPrefix });
    return { fleet, connection, namespace, bus, redis, stop };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
