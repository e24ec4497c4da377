import Redis from 'ioredis';

export interface RedisConnectionSettings {
  REDIS_URL?: string;
  REDIS_HOST: string;
  REDIS_PORT: number;
  REDIS_PASSWORD?: string;
  REDIS_KEY_PREFIX: string;
}

/**
 * A Redis client for state that can be rebuilt (cache entries, limit windows, spend counters,
 * cooldowns). Commands fail fast while Redis is unreachable (no offline queue, short timeout), so
 * callers can degrade (no caching) instead of making a request wait; it reconnects by itself.
 * Every key gets `REDIS_KEY_PREFIX`, so test runs and deployments sharing a server never collide.
 */
export function createRedisConnection(settings: RedisConnectionSettings, connectionName: string): Redis {
  const options = {
    keyPrefix: settings.REDIS_KEY_PREFIX,
    connectionName,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 500,
    connectTimeout: 2000,
    lazyConnect: false,
    retryStrategy: (attempt: number) => Math.min(100 * attempt, 2000),
  };
  const client = settings.REDIS_URL
    ? new Redis(settings.REDIS_URL, options)
    : new Redis({
        ...options,
        host: settings.REDIS_HOST,
        port: settings.REDIS_PORT,
        password: settings.REDIS_PASSWORD,
      });
  // errors surface on the commands; the connection's own error events only mean "reconnecting"
  client.on('error', () => undefined);
  return client;
}

/** true when the client can take commands right now. */
export function redisReady(client: Redis): boolean {
  return client.status === 'ready';
}
