import { GenericContainer, type StartedTestContainer } from 'testcontainers';
import type { Infrastructure } from './infrastructure';

const started: StartedTestContainer[] = [];

/** Starts the named services in containers (only used where a Docker engine is available). */
export async function startContainers(keys: (keyof Infrastructure)[]): Promise<Partial<Infrastructure>> {
  const result: Partial<Infrastructure> = {};
  for (const key of keys) {
    if (key === 'postgresUrl') {
      const container = await new GenericContainer('postgres:16-alpine')
        .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
        .withExposedPorts(5432)
        .start();
      started.push(container);
      result.postgresUrl = `postgres://postgres@${container.getHost()}:${container.getMappedPort(5432)}/postgres`;
    } else if (key === 'redisUrl') {
      const container = await new GenericContainer('redis:7-alpine').withExposedPorts(6379).start();
      started.push(container);
      result.redisUrl = `redis://${container.getHost()}:${container.getMappedPort(6379)}`;
    } else {
      const container = await new GenericContainer('nats:2.10-alpine')
        .withCommand(['-js'])
        .withExposedPorts(4222)
        .start();
      started.push(container);
      result.natsUrl = `nats://${container.getHost()}:${container.getMappedPort(4222)}`;
    }
  }
  return result;
}
