import type Redis from 'ioredis';
import type { NatsConnection } from 'nats';
import { BusNamespace } from '@switchyard/bus';
import { CheckReadiness } from './check-readiness';

interface ConsumerState {
  exists: boolean;
  num_waiting: number;
  num_ack_pending: number;
  /** when the ledger last acked an event (the server's RFC 3339 time). */
  lastAckAt?: string;
}

/** A NATS connection whose JetStream manager reports the ledger consumer as told. */
function natsWith(consumer: ConsumerState, closed = false) {
  const asked: string[] = [];
  const connection = {
    isClosed: () => closed,
    flush: async () => undefined,
    jetstreamManager: async () => ({
      consumers: {
        info: async (stream: string, durable: string) => {
          asked.push(`${stream}/${durable}`);
          if (!consumer.exists) throw new Error('consumer not found');
          return {
            num_waiting: consumer.num_waiting,
            num_ack_pending: consumer.num_ack_pending,
            ack_floor: { consumer_seq: 1, stream_seq: 1, last_active: consumer.lastAckAt },
          };
        },
      },
    }),
  };
  return { connection: connection as unknown as NatsConnection, asked };
}

const redisAnswering = { ping: async () => 'PONG' } as unknown as Redis;
const redisDown = {
  ping: async () => {
    throw new Error("Stream isn't writeable and enableOfflineQueue options is false");
  },
} as unknown as Redis;

describe(CheckReadiness.name, () => {
  it('is ready when NATS flushes, Redis pongs and a ledger pulls from its consumer', async () => {
    const { connection, asked } = natsWith({ exists: true, num_waiting: 1, num_ack_pending: 0 });
    const sut = new CheckReadiness(connection, new BusNamespace('t1.'), redisAnswering);

    const result = await sut.execute();

    expect(result).toEqual({
      status: 'ok',
      failed: [],
      checks: { nats: { status: 'ok' }, redis: { status: 'ok' }, ledger: { status: 'ok' } },
    });
    expect(asked).toEqual(['t1_USAGE/t1_ledger']);
  });

  it('names Redis when it does not answer', async () => {
    const { connection } = natsWith({ exists: true, num_waiting: 0, num_ack_pending: 3 });
    const sut = new CheckReadiness(connection, new BusNamespace(), redisDown);

    const result = await sut.execute();

    expect(result.status).toBe('unavailable');
    expect(result.failed).toEqual(['redis']);
    expect(result.checks.redis).toEqual({
      status: 'failed',
      error: expect.stringContaining('enableOfflineQueue'),
    });
  });

  it('names the ledger when its consumer does not exist or nobody pulls from it', async () => {
    const missing = new CheckReadiness(
      natsWith({ exists: false, num_waiting: 0, num_ack_pending: 0 }).connection,
      new BusNamespace(),
      redisAnswering,
    );
    const idle = new CheckReadiness(
      natsWith({ exists: true, num_waiting: 0, num_ack_pending: 0 }).connection,
      new BusNamespace(),
      redisAnswering,
    );

    const [whenMissing, whenIdle] = [await missing.execute(), await idle.execute()];

    expect(whenMissing.failed).toEqual(['ledger']);
    expect(whenMissing.checks.ledger.error).toContain('has the ledger started?');
    expect(whenIdle.failed).toEqual(['ledger']);
    expect(whenIdle.checks.ledger.error).toContain('no ledger is pulling');
  });

  it('is ready between two pulls of a busy ledger (none waiting, none pending, an ack a moment ago)', async () => {
    const busy = new CheckReadiness(
      natsWith({ exists: true, num_waiting: 0, num_ack_pending: 0, lastAckAt: new Date().toISOString() })
        .connection,
      new BusNamespace(),
      redisAnswering,
    );
    const gone = new CheckReadiness(
      natsWith({
        exists: true,
        num_waiting: 0,
        num_ack_pending: 0,
        lastAckAt: new Date(Date.now() - 60_000).toISOString(),
      }).connection,
      new BusNamespace(),
      redisAnswering,
    );

    expect((await busy.execute()).status).toBe('ok');
    expect((await gone.execute()).failed).toEqual(['ledger']);
  });

  it('names NATS when its connection is closed', async () => {
    const { connection } = natsWith({ exists: true, num_waiting: 1, num_ack_pending: 0 }, true);
    const sut = new CheckReadiness(connection, new BusNamespace(), redisAnswering);

    const result = await sut.execute();

    expect(result.failed).toEqual(['nats']);
  });
});
