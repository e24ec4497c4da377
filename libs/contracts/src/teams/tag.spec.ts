import { MAX_TAG_LENGTH, MAX_TAGS, TagNewRequest, TagUpdateRequest, tagsOf } from './tag';

describe('tagsOf', () => {
  it("merges the request's tags (strings only) with its key's and team's: trimmed, distinct, sorted", () => {
    expect(tagsOf({ tags: [' b ', 'a', 7, null, '', 'b'] }, ['k', 'a'], ['t'])).toEqual(['a', 'b', 'k', 't']);
    expect(tagsOf(null, ['k'], [])).toEqual(['k']);
    expect(tagsOf({ tags: 'not-a-list' }, [], [])).toEqual([]);
  });

  it(`cuts a tag to ${MAX_TAG_LENGTH} characters and keeps the first ${MAX_TAGS} request tags in sorted order`, () => {
    expect(tagsOf({ tags: ['x'.repeat(MAX_TAG_LENGTH + 5)] }, [], [])).toEqual(['x'.repeat(MAX_TAG_LENGTH)]);
    const many = Array.from({ length: MAX_TAGS + 10 }, (_, index) => `tag-${String(index).padStart(3, '0')}`);
    const tags = tagsOf({ tags: [...many].reverse() }, [], []);
    expect(tags).toHaveLength(MAX_TAGS);
    expect(tags[0]).toBe('tag-000');
    expect(tags.at(-1)).toBe(`tag-${String(MAX_TAGS - 1).padStart(3, '0')}`);
  });

  it(`always keeps the key's and team's tags: ${MAX_TAGS} low-sorting request tags cannot push them out`, () => {
    const flood = Array.from({ length: MAX_TAGS }, (_, index) => `a-${String(index).padStart(3, '0')}`);
    const tags = tagsOf({ tags: flood }, ['z-key'], ['z-team']);
    expect(tags).toHaveLength(MAX_TAGS);
    expect(tags).toContain('z-key');
    expect(tags).toContain('z-team');
    expect(tags.filter((tag) => tag.startsWith('a-'))).toEqual(flood.slice(0, MAX_TAGS - 2));
    // a request tag that is also the key's takes no second place
    expect(tagsOf({ tags: ['z-key', ...flood] }, ['z-key'], [])).toHaveLength(MAX_TAGS);
    // key and team tags beyond the cap are all kept, and no request tag is added
    const owned = Array.from({ length: MAX_TAGS + 5 }, (_, index) => `k-${index}`);
    const all = tagsOf({ tags: ['a-request'] }, owned, ['t']);
    expect(all).toHaveLength(MAX_TAGS + 6);
    expect(all).not.toContain('a-request');
  });
});

describe('TagNewRequest', () => {
  it("takes LiteLLM's fields and refuses unknown ones", () => {
    expect(
      TagNewRequest.parse({
        name: 'prod',
        description: 'production',
        max_budget: 10,
        soft_budget: 5,
        budget_duration: '30d',
        rpm_limit: 60,
        tpm_limit: 1000,
        max_parallel_requests: 2,
        models: [],
      }),
    ).toMatchObject({ name: 'prod', max_budget: 10, budget_duration: '30d' });
    expect(TagNewRequest.safeParse({ name: 'prod', budget_id: 'b' }).success).toBe(false);
    expect(TagNewRequest.safeParse({}).success).toBe(false);
  });

  it('refuses models (tag-based routing), on creation and on update, saying why', () => {
    for (const schema of [TagNewRequest, TagUpdateRequest]) {
      const parsed = schema.safeParse({ name: 'prod', models: ['gpt-5.4-mini'] });
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0].message).toContain('tag-based routing is not supported');
    }
    expect(TagUpdateRequest.parse({ name: 'prod', models: null, max_budget: null })).toEqual({
      name: 'prod',
      models: null,
      max_budget: null,
    });
  });
});
