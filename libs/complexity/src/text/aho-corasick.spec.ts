import { AhoCorasick } from './aho-corasick';

function allMatches(sut: AhoCorasick, text: string): [number, number, number][] {
  const found: [number, number, number][] = [];
  sut.forEachMatch(text, (pattern, start, end) => found.push([pattern, start, end]));
  return found.sort((left, right) => left[1] - right[1] || left[0] - right[0]);
}

function naiveMatches(patterns: readonly string[], text: string): [number, number, number][] {
  const found: [number, number, number][] = [];
  patterns.forEach((pattern, index) => {
    for (let start = text.indexOf(pattern); start !== -1; start = text.indexOf(pattern, start + 1)) {
      found.push([index, start, start + pattern.length]);
    }
  });
  return found.sort((left, right) => left[1] - right[1] || left[0] - right[0]);
}

describe(AhoCorasick.name, () => {
  it('finds every occurrence, overlapping ones included', () => {
    const patterns = ['he', 'she', 'his', 'hers'];
    const sut = new AhoCorasick(patterns);
    expect(allMatches(sut, 'ushers')).toEqual([
      [1, 1, 4],
      [0, 2, 4],
      [3, 2, 6],
    ]);
  });

  it('reports a pattern listed twice under both indexes', () => {
    const sut = new AhoCorasick(['api', 'api']);
    expect(allMatches(sut, 'an api')).toEqual([
      [0, 3, 6],
      [1, 3, 6],
    ]);
  });

  it('agrees with a naive search on random texts', () => {
    const patterns = ['ab', 'abc', 'bca', 'c', 'aaa', 'a b', '请帮', '😀a'];
    const alphabet = ['a', 'b', 'c', ' ', 'x', '请', '帮', '😀'];
    const sut = new AhoCorasick(patterns);
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let round = 0; round < 300; round += 1) {
      let text = '';
      const length = Math.floor(random() * 40);
      for (let index = 0; index < length; index += 1)
        text += alphabet[Math.floor(random() * alphabet.length)];
      expect(allMatches(sut, text)).toEqual(naiveMatches(patterns, text));
    }
  });

  it('finds nothing with no patterns', () => {
    expect(allMatches(new AhoCorasick([]), 'anything')).toEqual([]);
  });
});
