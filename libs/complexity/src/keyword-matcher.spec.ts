import { boundedKeywordPattern, KeywordMatcher, keywordKind } from './keyword-matcher';
import {
  DEFAULT_CODE_KEYWORDS,
  DEFAULT_REASONING_KEYWORDS,
  DEFAULT_SIMPLE_KEYWORDS,
  DEFAULT_TECHNICAL_KEYWORDS,
} from './keywords';

/** Matches `text` (lowercased first, as the scorer does) against one list. */
function matchOne(keywords: readonly string[], text: string): string[] {
  return new KeywordMatcher([keywords]).match(text.toLowerCase())[0];
}

/** The reference's definition, entry by entry: substring for spaces and CJK, lookaround regex otherwise. */
function oracle(keywords: readonly string[], lowercasedText: string): string[] {
  const distinct = [...new Set(keywords.map((keyword) => keyword.toLowerCase()))];
  return distinct.filter((keyword) =>
    keywordKind(keyword) === 'substring'
      ? lowercasedText.includes(keyword)
      : boundedKeywordPattern(keyword).test(lowercasedText),
  );
}

describe(keywordKind.name, () => {
  it('makes entries with a space or a CJK character substring tests, the rest bounded', () => {
    expect(keywordKind('pull request')).toBe('substring');
    expect(keywordKind('请帮')).toBe('substring');
    expect(keywordKind('api')).toBe('bounded');
    expect(keywordKind("what's")).toBe('bounded');
    expect(keywordKind('c++')).toBe('bounded');
  });
});

describe(KeywordMatcher.name, () => {
  it('needs whole words: a plural does not match its singular', () => {
    expect(matchOne(['microservice'], 'We run microservices')).toEqual([]);
    expect(matchOne(['microservice'], 'One microservice, please')).toEqual(['microservice']);
  });

  it('counts "_" as a word character, so api_key hides api', () => {
    expect(matchOne(['api'], 'Rotate the api_key')).toEqual([]);
    expect(matchOne(['api'], 'Call the api, then stop')).toEqual(['api']);
  });

  it('uses Unicode word boundaries: 请帮我API hides api, where \\b would match', () => {
    expect(/\bapi\b/u.test('请帮我api')).toBe(true); // why \b is wrong
    expect(matchOne(['api'], '请帮我API')).toEqual([]);
    expect(matchOne(['api'], '请帮我 API')).toEqual(['api']);
    expect(matchOne(['api'], 'éapi')).toEqual([]);
    expect(matchOne(['api'], '𝐀api')).toEqual([]); // a letter outside the BMP
    expect(matchOne(['api'], 'api2')).toEqual([]); // digits are word characters
  });

  it('treats punctuation as a boundary: Node.js matches node', () => {
    expect(matchOne(['node'], 'Upgrade Node.js to 22')).toEqual(['node']);
    expect(matchOne(['node'], '(node)')).toEqual(['node']);
  });

  it("matches the ASCII apostrophe of what's, not a curly one", () => {
    expect(matchOne(["what's"], "What's a closure?")).toEqual(["what's"]);
    expect(matchOne(["what's"], 'What’s a closure?')).toEqual([]);
    expect(matchOne(["let's think"], 'Let’s think about it')).toEqual([]);
  });

  it('tests entries with a space as plain substrings, even inside words', () => {
    expect(matchOne(['what is'], 'somewhat isolated')).toEqual(['what is']);
    expect(matchOne(['pull request'], 'open a PULL REQUEST')).toEqual(['pull request']);
  });

  it('tests entries with a CJK character as plain substrings', () => {
    expect(matchOne(['你好'], '你好吗')).toEqual(['你好']);
  });

  it('checks a bounded entry with punctuation between boundaries', () => {
    expect(matchOne(['c++'], 'Port it to C++ today')).toEqual(['c++']);
    expect(matchOne(['c++'], 'abc++')).toEqual([]);
  });

  it('counts each entry once however often it occurs, and a repeated entry once', () => {
    expect(matchOne(['api', 'api', 'API'], 'api api api')).toEqual(['api']);
  });

  it('lowercases the entries, since it matches lowercased text', () => {
    expect(matchOne(['GraphQL'], 'A GraphQL schema')).toEqual(['graphql']);
  });

  it('finds a later occurrence when the first one is inside a word', () => {
    expect(matchOne(['api'], 'rapid api')).toEqual(['api']);
  });

  it('returns each list apart, in list order', () => {
    const sut = new KeywordMatcher([
      ['merge', 'api', 'commit'],
      ['latency', 'http'],
    ]);
    expect(sut.match('commit the api change; http latency')).toEqual([
      ['api', 'commit'],
      ['latency', 'http'],
    ]);
  });

  it('gives the same answer as the lookaround definition on random texts', () => {
    const keywords = [
      ...DEFAULT_CODE_KEYWORDS,
      ...DEFAULT_REASONING_KEYWORDS,
      ...DEFAULT_TECHNICAL_KEYWORDS,
      ...DEFAULT_SIMPLE_KEYWORDS,
      'c++',
      'node.js',
      '请帮',
    ];
    const pieces = [
      'api',
      'key',
      '_',
      ' ',
      '.',
      "'",
      '’',
      'what',
      's',
      'node',
      'js',
      'step',
      'by',
      '2',
      'é',
      '请',
      '帮',
      '😀',
      '𝐀',
      'c',
      '+',
      'pull',
      'request',
      'hi',
      'let',
      'think',
      'micro',
      'service',
      'es',
      '\n',
      '-',
    ];
    const sut = new KeywordMatcher([keywords]);
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let round = 0; round < 500; round += 1) {
      let text = '';
      const length = Math.floor(random() * 30);
      for (let index = 0; index < length; index += 1) text += pieces[Math.floor(random() * pieces.length)];
      const lowercased = text.toLowerCase();
      expect(sut.match(lowercased)[0]).toEqual(oracle(keywords, lowercased));
    }
  });
});
