import type Redis from 'ioredis';
import type { TagLimitsRecord } from '@switchyard/contracts';

/** A tag's limits record with no limits, created at `created_at`; `overrides` set the limits a test wants. */
export function tagLimitsRecord(
  overrides: Partial<TagLimitsRecord> & Pick<TagLimitsRecord, 'created_at'>,
): TagLimitsRecord {
  return {
    max_budget: null,
    budget_duration: null,
    rpm_limit: null,
    tpm_limit: null,
    max_parallel_requests: null,
    ...overrides,
  };
}

/**
 * The `pipeline().get(…).exec()` reads of Redis that tag limits are read with: `stored` is what
 * Redis holds, `reads` the keys of each `exec`, and `away` makes every `exec` fail as a lost
 * connection does.
 */
export class FakeLimitsRedis {
  readonly stored = new Map<string, string>();
  readonly reads: string[][] = [];
  away = false;

  /** Stores a tag's limits record under `limits:{tag:<name>}:settings`. */
  setTag(name: string, record: TagLimitsRecord): void {
    this.stored.set(`limits:{tag:${name}}:settings`, JSON.stringify(record));
  }

  readonly pipeline = () => {
    const keys: string[] = [];
    const commands = {
      get: (key: string) => {
        keys.push(key);
        return commands;
      },
      exec: async () => {
        if (this.away) throw new Error('connect ECONNREFUSED');
        this.reads.push(keys);
        return keys.map((key) => [null, this.stored.get(key) ?? null]);
      },
    };
    return commands;
  };

  /** This as the client a reader is given (only `pipeline` is there). */
  asRedis(): Redis {
    return this as unknown as Redis;
  }
}
