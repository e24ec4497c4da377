import Redis from 'ioredis';
import type { ClassifyDecision } from '@switchyard/contracts';
import { eventually, testInfrastructure, uniqueSuffix } from '@switchyard/testing';
import { sessionOwnerOf, SessionRoutes } from './session-routes';

const decision = {
  router: 'frontier-router',
  tier: 'COMPLEX',
  model: 'gpt-5.5',
} as ClassifyDecision;

describe(SessionRoutes.name, () => {
  let redis: Redis;
  let sut: SessionRoutes;

  beforeAll(() => {
    redis = new Redis(testInfrastructure().redisUrl, { keyPrefix: `switchyard-test-${uniqueSuffix()}:` });
    sut = new SessionRoutes(redis);
  });

  afterAll(() => redis.disconnect());

  it("keeps each key's sessions to itself: another key naming the same session id neither reads nor steers it", async () => {
    const owner = sessionOwnerOf({ kind: 'virtual', keyId: 'key-a' } as Parameters<typeof sessionOwnerOf>[0]);
    const other = sessionOwnerOf({ kind: 'virtual', keyId: 'key-b' } as Parameters<typeof sessionOwnerOf>[0]);
    const master = sessionOwnerOf({ kind: 'master' });

    sut.remember(owner, 'session-1', decision);
    expect(
      await eventually(
        () => sut.lastRoute(owner, 'frontier-router', 'session-1'),
        (route) => route.lastTier !== null,
      ),
    ).toEqual({ id: 'session-1', lastTier: 'COMPLEX', lastModel: 'gpt-5.5' });

    const empty = { id: 'session-1', lastTier: null, lastModel: null };
    expect(await sut.lastRoute(other, 'frontier-router', 'session-1')).toEqual(empty);
    expect(await sut.lastRoute(master, 'frontier-router', 'session-1')).toEqual(empty);
    sut.remember(other, 'session-1', { ...decision, tier: 'SIMPLE', model: 'gpt-5.4-mini' });
    await eventually(
      () => sut.lastRoute(other, 'frontier-router', 'session-1'),
      (route) => route.lastTier === 'SIMPLE',
    );
    expect((await sut.lastRoute(owner, 'frontier-router', 'session-1')).lastTier).toBe('COMPLEX');
  });
});
