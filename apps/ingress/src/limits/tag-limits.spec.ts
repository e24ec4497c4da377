import { FakeLimitsRedis, tagLimitsRecord } from './__fixtures__/fake-limits-redis';
import { TagLimitsReader } from './tag-limits';

const record = tagLimitsRecord({ max_budget: 1, created_at: '2026-01-01T00:00:00.000Z' });

describe(TagLimitsReader.name, () => {
  let redis: FakeLimitsRedis;
  let stored: Map<string, string>;
  let reads: string[][];
  let nowMs: number;
  let sut: TagLimitsReader;

  beforeEach(() => {
    redis = new FakeLimitsRedis();
    stored = redis.stored;
    reads = redis.reads;
    nowMs = 1_000_000;
    sut = new TagLimitsReader(redis.asRedis(), () => nowMs);
  });

  it("remembers each tag's limits, none included, for a second, then reads them again", async () => {
    stored.set('limits:{tag:limited}:settings', JSON.stringify(record));
    const first = (await sut.find(['free', 'limited'])).tags;
    expect(first.map((tag) => [tag.name, tag.scopeId])).toEqual([
      ['limited', `tag:limited@${Date.parse(record.created_at)}`],
    ]);
    expect(reads).toEqual([['limits:{tag:free}:settings', 'limits:{tag:limited}:settings']]);

    // changed in Redis, but remembered
    stored.delete('limits:{tag:limited}:settings');
    stored.set('limits:{tag:free}:settings', JSON.stringify(record));
    nowMs += 999;
    expect((await sut.find(['free', 'limited'])).tags.map((tag) => tag.name)).toEqual(['limited']);
    expect(reads).toHaveLength(1);

    nowMs += 1;
    expect((await sut.find(['free', 'limited'])).tags.map((tag) => tag.name)).toEqual(['free']);
    expect(reads).toHaveLength(2);
  });

  it('falls back to the limits last read, however old, when Redis cannot be read, and says why', async () => {
    stored.set('limits:{tag:limited}:settings', JSON.stringify(record));
    await sut.find(['limited', 'free']);
    redis.away = true;
    nowMs += 60_000;
    const read = await sut.find(['limited', 'free', 'never-read']);
    expect(read.tags.map((tag) => tag.name)).toEqual(['limited']);
    expect(read.failure?.message).toContain('ECONNREFUSED');
    // nothing known of a tag never read: the call cannot be held to it, nor refused for it
    expect(read.unreadable).toEqual([]);
  });

  it('treats a malformed record as a failure: the limits last read stand in, or the tag is unreadable', async () => {
    stored.set('limits:{tag:limited}:settings', JSON.stringify(record));
    await sut.find(['limited']);
    nowMs += 1000;
    stored.set('limits:{tag:limited}:settings', JSON.stringify({ ...record, max_budget: 'lots' }));
    stored.set('limits:{tag:garbled}:settings', '{not json');
    stored.set('limits:{tag:no-date}:settings', JSON.stringify({ ...record, created_at: undefined }));
    const read = await sut.find(['garbled', 'limited', 'no-date']);
    expect(read.tags.map((tag) => [tag.name, tag.max_budget])).toEqual([['limited', 1]]);
    expect(read.failure).not.toBeNull();
    expect(read.unreadable).toEqual(['garbled', 'no-date']);
  });
});
