import type Redis from 'ioredis';
import type { AttemptOutcome, ChatCompletion } from '@switchyard/contracts';

/** What the cache keeps of an answer: the completion, and what it cost when it was made. */
export interface CachedCompletion {
  completion: ChatCompletion;
  outcome: AttemptOutcome;
  storedAt: number;
}

export interface ResponseCacheListener {
  onError?(operation: 'get' | 'set' | 'delete', error: Error): void;
}

/**
 * The response cache in Redis, under `cache_params.namespace`. Every operation degrades to a
 * miss (or a no-op) when Redis fails, so a Redis outage costs the cache, never a request.
 */
export class ResponseCache {
  constructor(
    private readonly redis: Redis,
    private readonly namespace: string,
    readonly defaultTtlSeconds: number,
    private readonly listener: ResponseCacheListener = {},
  ) {}

  fullKey(key: string): string {
    return `${this.namespace}:${key}`;
  }

  async get(key: string): Promise<CachedCompletion | null> {
    try {
      const value = await this.redis.get(this.fullKey(key));
      return value === null ? null : (JSON.parse(value) as CachedCompletion);
    } catch (error) {
      this.listener.onError?.('get', error as Error);
      return null;
    }
  }

  async set(key: string, entry: CachedCompletion, ttlSeconds = this.defaultTtlSeconds): Promise<boolean> {
    try {
      await this.redis.set(
        this.fullKey(key),
        JSON.stringify(entry),
        'EX',
        Math.max(1, Math.round(ttlSeconds)),
      );
      return true;
    } catch (error) {
      this.listener.onError?.('set', error as Error);
      return false;
    }
  }

  async delete(keys: readonly string[]): Promise<number> {
    if (keys.length === 0) return 0;
    let deleted = 0;
    try {
      // one key per command: keys of different slots on Redis Cluster
      for (const key of keys)
        deleted += await this.redis.del(key.startsWith(`${this.namespace}:`) ? key : this.fullKey(key));
    } catch (error) {
      this.listener.onError?.('delete', error as Error);
    }
    return deleted;
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.redis.ping()) === 'PONG';
    } catch {
      return false;
    }
  }
}
