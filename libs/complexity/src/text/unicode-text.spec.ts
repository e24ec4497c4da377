import {
  codePointLength,
  containsCjk,
  countOccurrences,
  isPythonWhitespace,
  isWordCodePoint,
  stripPythonWhitespace,
} from './unicode-text';

const codePoint = (character: string): number => character.codePointAt(0) ?? -1;

describe(isWordCodePoint.name, () => {
  it.each([
    ['a', true],
    ['Z', true],
    ['7', true],
    ['_', true],
    ['é', true],
    ['请', true],
    ['ж', true],
    ['٣', true], // Arabic-Indic digit: \p{N}
    ['𝐀', true], // mathematical bold A, outside the BMP: \p{L}
    ['-', false],
    ['.', false],
    ["'", false],
    ['’', false],
    [' ', false],
    ['\u0301', false], // combining acute accent is \p{M}, not a letter
  ])('%j is a word character: %s', (character, expected) => {
    expect(isWordCodePoint(codePoint(character))).toBe(expected);
  });

  it('treats a lone surrogate as a boundary', () => {
    expect(isWordCodePoint(0xd83d)).toBe(false);
  });
});

describe(containsCjk.name, () => {
  it('finds Han, Kana and Hangul, not Latin or Cyrillic', () => {
    expect(containsCjk('请帮我')).toBe(true);
    expect(containsCjk('カタカナ')).toBe(true);
    expect(containsCjk('한국어')).toBe(true);
    expect(containsCjk('api')).toBe(false);
    expect(containsCjk('привет')).toBe(false);
  });
});

describe(codePointLength.name, () => {
  it('counts code points as Python len() does, not UTF-16 units', () => {
    expect(codePointLength('hello')).toBe(5);
    expect('😀😀'.length).toBe(4);
    expect(codePointLength('😀😀')).toBe(2);
    expect(codePointLength('a\ud83db')).toBe(3); // a lone surrogate counts as one
  });
});

describe(stripPythonWhitespace.name, () => {
  it("strips what Python's str.strip() strips", () => {
    expect(stripPythonWhitespace('\x1c\x85 hi \u3000\t')).toBe('hi');
    // U+FEFF is whitespace to JavaScript's trim() but not to Python
    expect('\ufeffhi'.trim()).toBe('hi');
    expect(stripPythonWhitespace('\ufeffhi')).toBe('\ufeffhi');
  });

  it('returns the same string when there is nothing to strip', () => {
    const text = 'no edges';
    expect(stripPythonWhitespace(text)).toBe(text);
  });
});

describe(isPythonWhitespace.name, () => {
  it('matches str.isspace() on the edge cases', () => {
    for (const code of [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1f, 0x20, 0x85, 0xa0, 0x2028, 0x3000]) {
      expect(isPythonWhitespace(code)).toBe(true);
    }
    for (const code of [0x08, 0x21, 0x200b, 0xfeff]) expect(isPythonWhitespace(code)).toBe(false);
  });
});

describe(countOccurrences.name, () => {
  it('counts every occurrence of one character', () => {
    expect(countOccurrences('a? b? c?? d', '?')).toBe(4);
    expect(countOccurrences('none', '?')).toBe(0);
  });
});
