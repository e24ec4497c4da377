import Redis from 'ioredis';
import { BudgetRedisKeys, type UsageEvent } from '@switchyard/contracts';
import {
  eventually,
  hostPort,
  makeUsageEvent,
  TcpProxy,
  testInfrastructure,
  uniqueSuffix,
} from '@switchyard/testing';
import { SpendCounters } from './spend-counters';

const WINDOW = { startMs: Date.now() - 1000, endMs: Date.now() + 3_600_000 };

describe(SpendCounters.name, () => {
  const prefix = `switchyard-test-${uniqueSuffix()}:`;
  let redis: Redis;
  let sut: SpendCounters;

  beforeAll(() => {
    redis = new Redis(testInfrastructure().redisUrl, { keyPrefix: prefix });
    sut = new SpendCounters(redis);
  });

  afterAll(() => {
    sut.stop();
    redis.disconnect();
  });

  it('raises a counter to the committed total and never lowers it (a late, older total changes nothing)', async () => {
    const counter = BudgetRedisKeys.spend('key-a', WINDOW);
    await sut.seed([{ keyId: 'key-a', window: WINDOW, spendUsd: '0.25' }]);
    expect(await redis.get(counter)).toBe('0.25');
    expect(await redis.pttl(counter)).toBeGreaterThan(3_600_000);
    await sut.seed([{ keyId: 'key-a', window: WINDOW, spendUsd: '0.20' }]);
    expect(await redis.get(counter)).toBe('0.25');
    await sut.seed([
      { keyId: 'key-a', window: { startMs: 0, endMs: Number.MAX_SAFE_INTEGER }, spendUsd: '3' },
    ]);
    expect(
      await redis.pttl(BudgetRedisKeys.spend('key-a', { startMs: 0, endMs: Number.MAX_SAFE_INTEGER })),
    ).toBe(-1);
  });

  it('releases a settled reservation of a counted event, and marks an event whose call is still in flight', async () => {
    const settled = makeUsageEvent({ keyId: 'key-b' });
    const inFlight = makeUsageEvent({ keyId: 'key-b' });
    const otherAttempt = makeUsageEvent({ keyId: 'key-b' });
    await redis.hset(BudgetRedisKeys.reserved('key-b'), {
      [settled.requestId]: `0.4|${settled.eventId}`,
      [inFlight.requestId]: '0.3',
      [otherAttempt.requestId]: '0.2|another-event',
    });
    await redis.zadd(BudgetRedisKeys.reservedExpiry('key-b'), Date.now() + 60_000, settled.requestId);
    await redis.set(BudgetRedisKeys.reservedTotal('key-b'), '0.9');

    sut.apply([{ keyId: 'key-b', window: WINDOW, spendUsd: '1.5' }], [settled, inFlight, otherAttempt]);
    await eventually(
      () => redis.get(BudgetRedisKeys.spend('key-b', WINDOW)),
      (value) => value === '1.5',
    );
    expect(await redis.hgetall(BudgetRedisKeys.reserved('key-b'))).toEqual({
      [inFlight.requestId]: '0.3',
      [otherAttempt.requestId]: '0.2|another-event',
    });
    expect(Number(await redis.get(BudgetRedisKeys.reservedTotal('key-b')))).toBeCloseTo(0.5, 12);
    expect(await redis.zscore(BudgetRedisKeys.reservedExpiry('key-b'), settled.requestId)).toBeNull();
    expect(await redis.get(BudgetRedisKeys.counted('key-b', inFlight.eventId))).toBe('1');
    expect(await redis.exists(BudgetRedisKeys.counted('key-b', otherAttempt.eventId))).toBe(0);
  });

  it('marks a counted event of a budgeted key whose reservation is gone (a call past its in-flight hold), and its attempt', async () => {
    const swept = makeUsageEvent({ keyId: 'key-d', attempt: 1 });
    const unbudgeted = makeUsageEvent({ keyId: 'key-e', attempt: 0 });

    sut.apply([], [swept, unbudgeted], ['key-d']);
    await eventually(
      async () => sut.settled,
      (settled) => settled,
    );
    expect(await redis.get(BudgetRedisKeys.counted('key-d', swept.eventId))).toBe('1');
    expect(await redis.get(BudgetRedisKeys.countedAttempt('key-d', swept.requestId, 1))).toBe('1');
    expect(await redis.pttl(BudgetRedisKeys.counted('key-d', swept.eventId))).toBeGreaterThan(0);
    // a key without a budget never reserves: nothing to mark
    expect(await redis.exists(BudgetRedisKeys.counted('key-e', unbudgeted.eventId))).toBe(0);
    expect(await redis.exists(BudgetRedisKeys.countedAttempt('key-e', unbudgeted.requestId, 0))).toBe(0);
  });

  it('releases, from a sweep, only settled reservations still holding what was read', async () => {
    const reserved = BudgetRedisKeys.reserved('key-f');
    await redis.hset(reserved, { 'call-1': '0.4|event-1', 'call-2': '0.3|event-2', 'call-3': '0.2' });
    await redis.set(BudgetRedisKeys.reservedTotal('key-f'), '0.9');
    const settled = await sut.settledReservations(['key-f', 'key-none']);
    expect(settled).toEqual(
      expect.arrayContaining([
        { keyId: 'key-f', field: 'call-1', value: '0.4|event-1', eventId: 'event-1' },
        { keyId: 'key-f', field: 'call-2', value: '0.3|event-2', eventId: 'event-2' },
      ]),
    );
    expect(settled).toHaveLength(2);
    // call-2 settled again meanwhile (another value): left alone
    await redis.hset(reserved, 'call-2', '0.35|event-3');
    expect(await sut.releaseCounted(settled)).toBe(1);
    expect(await redis.hgetall(reserved)).toEqual({ 'call-2': '0.35|event-3', 'call-3': '0.2' });
    expect(Number(await redis.get(BudgetRedisKeys.reservedTotal('key-f')))).toBeCloseTo(0.5, 12);
  });

  it("releases what a call reserved for an attempt whose dispatcher went silent once that attempt's event is counted", async () => {
    const lost = makeUsageEvent({ keyId: 'key-c', attempt: 0 });
    await redis.hset(BudgetRedisKeys.reserved('key-c'), {
      [`${lost.requestId}#0`]: '0.4',
      [lost.requestId]: '0.4',
    });
    await redis.zadd(BudgetRedisKeys.reservedExpiry('key-c'), Date.now() + 60_000, `${lost.requestId}#0`);
    await redis.set(BudgetRedisKeys.reservedTotal('key-c'), '0.8');

    sut.apply([], [lost]);
    await eventually(
      () => redis.hgetall(BudgetRedisKeys.reserved('key-c')),
      (reserved) => !(`${lost.requestId}#0` in reserved),
    );
    // the call itself is still in flight on its second attempt: its own reservation stays
    expect(await redis.hgetall(BudgetRedisKeys.reserved('key-c'))).toEqual({ [lost.requestId]: '0.4' });
    expect(Number(await redis.get(BudgetRedisKeys.reservedTotal('key-c')))).toBeCloseTo(0.4, 12);
    expect(await redis.zcard(BudgetRedisKeys.reservedExpiry('key-c'))).toBe(0);
  });

  it('keeps the totals while Redis is unreachable and writes the newest once it is back', async () => {
    const proxy = await TcpProxy.start(hostPort(testInfrastructure().redisUrl, 6379));
    const url = new URL(proxy.proxiedUrl(testInfrastructure().redisUrl));
    const through = new Redis({
      host: url.hostname,
      port: Number(url.port),
      keyPrefix: prefix,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: 500,
      retryStrategy: () => 100,
    });
    const counters = new SpendCounters(through);
    try {
      await eventually(
        async () => through.status,
        (status) => status === 'ready',
      );
      proxy.cut();
      await eventually(
        async () => through.status,
        (status) => status !== 'ready',
      );
      const events: UsageEvent[] = [];
      counters.apply([{ keyId: 'key-c', window: WINDOW, spendUsd: '0.7' }], events);
      counters.apply([{ keyId: 'key-c', window: WINDOW, spendUsd: '0.9' }], events);
      await eventually(
        async () => counters.settled,
        (settled) => !settled,
      );
      expect(await redis.exists(BudgetRedisKeys.spend('key-c', WINDOW))).toBe(0);
      proxy.restore();
      await eventually(
        () => redis.get(BudgetRedisKeys.spend('key-c', WINDOW)),
        (value) => value === '0.9',
        { timeoutMs: 15_000, description: 'the newest total after Redis came back' },
      );
    } finally {
      counters.stop();
      through.disconnect();
      await proxy.close();
    }
  });
});
