/**
 * Character facts the classifier needs, defined the way LiteLLM's Python reads text: word
 * characters are letters and digits of any script and `_` (`[\p{L}\p{N}_]`), whitespace is what
 * Python's `str.isspace` accepts, and a length is a number of code points.
 */

const WORD_CHARACTER = /^[\p{L}\p{N}_]$/u;
const CJK_CHARACTER =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Bopomofo}]/u;
const SURROGATE = /[\uD800-\uDFFF]/;

/** Python's `\s` and `str.isspace()`, as a regular-expression class (for `u`-flag patterns). */
export const PYTHON_WHITESPACE_CLASS =
  '[\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';

const UNKNOWN = 0;
const WORD = 1;
const NOT_WORD = 2;

/** ASCII word characters, precomputed. */
const ASCII_WORD = new Uint8Array(128);
for (let code = 0; code < 128; code += 1) {
  ASCII_WORD[code] = WORD_CHARACTER.test(String.fromCharCode(code)) ? WORD : NOT_WORD;
}
/** Other BMP characters, classified on first sight (the Unicode tables are fixed, so this only memoizes). */
const BMP_CLASS = new Uint8Array(0x10000);
BMP_CLASS.set(ASCII_WORD);
const ASTRAL_WORD = new Map<number, boolean>();

/** Whether a code point is a word character: `[\p{L}\p{N}_]`. Lone surrogates are not. */
export function isWordCodePoint(codePoint: number): boolean {
  if (codePoint < 0x10000) {
    let known = BMP_CLASS[codePoint];
    if (known === UNKNOWN) {
      known = codePoint >= 0xd800 && codePoint <= 0xdfff ? NOT_WORD : classify(codePoint);
      BMP_CLASS[codePoint] = known;
    }
    return known === WORD;
  }
  let known = ASTRAL_WORD.get(codePoint);
  if (known === undefined) {
    known = classify(codePoint) === WORD;
    ASTRAL_WORD.set(codePoint, known);
  }
  return known;
}

function classify(codePoint: number): number {
  return WORD_CHARACTER.test(String.fromCodePoint(codePoint)) ? WORD : NOT_WORD;
}

/** Whether `text` holds a Chinese, Japanese or Korean character. */
export function containsCjk(text: string): boolean {
  return CJK_CHARACTER.test(text);
}

/** `len(text)` in Python: the number of code points (a lone surrogate counts as one). */
export function codePointLength(text: string): number {
  if (!SURROGATE.test(text)) return text.length;
  let pairs = 0;
  const last = text.length - 1;
  for (let index = 0; index < last; index += 1) {
    const code = text.charCodeAt(index);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        pairs += 1;
        index += 1;
      }
    }
  }
  return text.length - pairs;
}

/** Python's `str.isspace()` for one UTF-16 code unit (every such character is in the BMP). */
export function isPythonWhitespace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d) || (code >= 0x1c && code <= 0x1f);
  if (code < 0x85) return false;
  return (
    code === 0x85 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

/** Python's `str.strip()`: removes leading and trailing whitespace. */
export function stripPythonWhitespace(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isPythonWhitespace(text.charCodeAt(start))) start += 1;
  while (end > start && isPythonWhitespace(text.charCodeAt(end - 1))) end -= 1;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/** Number of times `character` (one UTF-16 code unit) occurs in `text`. */
export function countOccurrences(text: string, character: string): number {
  let count = 0;
  let index = text.indexOf(character);
  while (index !== -1) {
    count += 1;
    index = text.indexOf(character, index + 1);
  }
  return count;
}
