import type { NatsConnection } from 'nats';
import { BusNamespace } from '@switchyard/bus';
import { createRedisConnection } from '@switchyard/cache';
import type { IngressEnvironment } from '@switchyard/config';
import { testInfrastructure, uniqueSuffix } from '@switchyard/testing';
import { DeploymentCooldowns } from './deployment-cooldowns';

/** No cooldown announcements arrive on this bus: what the ingress knows comes from Redis. */
const silentBus = { subscribe: () => ({ unsubscribe: () => undefined }) } as unknown as NatsConnection;

describe(DeploymentCooldowns.name, () => {
  const settings = {
    REDIS_URL: testInfrastructure().redisUrl,
    REDIS_HOST: '127.0.0.1',
    REDIS_PORT: 6379,
    REDIS_KEY_PREFIX: `switchyard-test-${uniqueSuffix()}:`,
  };
  const clients: ReturnType<typeof createRedisConnection>[] = [];

  afterAll(() => clients.forEach((client) => client.disconnect()));

  it('honours the cooldowns in Redis when it starts with a client that is still connecting (a restarted ingress)', async () => {
    const dispatcher = createRedisConnection(settings, 'dispatcher');
    clients.push(dispatcher);
    await new Promise((resolve) => dispatcher.once('ready', resolve));
    await dispatcher.set('cooldown:until:deployment-cooling', '1', 'PX', 60_000);
    await dispatcher.set('cooldown:until:deployment-expired', '1', 'PX', 1);
    const redis = createRedisConnection(settings, 'ingress');
    clients.push(redis);
    expect(redis.status).not.toBe('ready');
    const sut = new DeploymentCooldowns(silentBus, new BusNamespace(), redis, settings as IngressEnvironment);

    await sut.onModuleInit();

    expect(sut.isCoolingDown('deployment-cooling')).toBe(true);
    expect(sut.isCoolingDown('deployment-expired')).toBe(false);
    expect(sut.isCoolingDown('deployment-never')).toBe(false);
  });
});
