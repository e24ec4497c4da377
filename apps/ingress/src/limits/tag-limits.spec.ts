import type Redis from 'ioredis';
import type { TagLimitsRecord } from '@switchyard/contracts';
import { TagLimitsReader } from './tag-limits';

const record: TagLimitsRecord = {
  max_budget: 1,
  budget_duration: null,
  rpm_limit: null,
  tpm_limit: null,
  max_parallel_requests: null,
  created_at: '2026-01-01T00:00:00.000Z',
};

describe(TagLimitsReader.name, () => {
  let stored: Map<string, string>;
  let reads: string[][];
  let nowMs: number;
  let sut: TagLimitsReader;

  beforeEach(() => {
    stored = new Map();
    reads = [];
    nowMs = 1_000_000;
    const pipeline = () => {
      const keys: string[] = [];
      const commands = {
        get: (key: string) => {
          keys.push(key);
          return commands;
        },
        exec: async () => {
          reads.push(keys);
          return keys.map((key) => [null, stored.get(key) ?? null]);
        },
      };
      return commands;
    };
    sut = new TagLimitsReader({ pipeline } as unknown as Redis, () => nowMs);
  });

  it("remembers each tag's limits, none included, for a second, then reads them again", async () => {
    stored.set('limits:{tag:limited}:settings', JSON.stringify(record));
    const first = await sut.find(['free', 'limited']);
    expect(first.map((tag) => [tag.name, tag.scopeId])).toEqual([
      ['limited', `tag:limited@${Date.parse(record.created_at)}`],
    ]);
    expect(reads).toEqual([['limits:{tag:free}:settings', 'limits:{tag:limited}:settings']]);

    // changed in Redis, but remembered
    stored.delete('limits:{tag:limited}:settings');
    stored.set('limits:{tag:free}:settings', JSON.stringify(record));
    nowMs += 999;
    expect((await sut.find(['free', 'limited'])).map((tag) => tag.name)).toEqual(['limited']);
    expect(reads).toHaveLength(1);

    nowMs += 1;
    expect((await sut.find(['free', 'limited'])).map((tag) => tag.name)).toEqual(['free']);
    expect(reads).toHaveLength(2);
  });
});
