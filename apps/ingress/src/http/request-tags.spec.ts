import { withHeaderTags } from './request-tags';

describe(withHeaderTags.name, () => {
  const sut = withHeaderTags;

  it('adds the header tags to the body tags, once each', () => {
    expect(sut({ tags: ['a'], other: 1 }, 'a, b,,c ')).toEqual({ tags: ['a', 'b', 'c'], other: 1 });
    expect(sut(null, 'ci')).toEqual({ tags: ['ci'] });
  });

  it('leaves the metadata as it is without the header', () => {
    const metadata = { tags: ['a'] };
    expect(sut(metadata, undefined)).toBe(metadata);
    expect(sut(null, ' ')).toBeNull();
  });
});
