import { storableJson } from './storable-json';

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

describe(storableJson.name, () => {
  const storedText = (value: unknown) => JSON.parse(storableJson(JSON.stringify(value))) as unknown;

  it('replaces a NUL anywhere (values, keys, nested) with U+FFFD', () => {
    expect(
      storedText({ user: 'a\u0000b', metadata: { 'k\u0000': ['x\u0000', { deep: '\u0000' }] } }),
    ).toEqual({
      user: 'a\uFFFDb',
      metadata: { 'k\uFFFD': ['x\uFFFD', { deep: '\uFFFD' }] },
    });
  });

  it('replaces lone surrogates (high or low, upper or lower case hex) and keeps valid pairs', () => {
    expect(storedText(['\ud800', 'x\udfffy', '\ud83d\ude00', 'ok'])).toEqual([
      '\uFFFD',
      'x\uFFFDy',
      '😀',
      'ok',
    ]);
    expect(JSON.parse(storableJson('["\\uD800", "\\uDBFF"]'))).toEqual(['\uFFFD', '\uFFFD']);
  });

  it('leaves the text "\\u0000" typed by a user (an escaped backslash) alone', () => {
    const typed = { note: '\\u0000 and \\ud800 and \\\\\u0000' };
    expect(storedText(typed)).toEqual({ note: '\\u0000 and \\ud800 and \\\\\uFFFD' });
  });

  it('returns text without a refused escape unchanged (same string)', () => {
    const json = JSON.stringify({ user: 'plain \u0001 control', emoji: '😀', quote: '"' });
    expect(storableJson(json)).toBe(json);
  });

  it('makes every string Postgres-safe: no NUL and well formed', () => {
    const samples = ['\u0000\u0000', '\ud800\u0000\udc00', 'a\\\u0000', '\udc00\ud800'];
    for (const sample of samples) {
      const stored = storedText({ [sample]: sample }) as Record<string, string>;
      for (const text of [...Object.keys(stored), ...Object.values(stored)]) {
        expect(text.includes('\u0000')).toBe(false);
        expect(LONE_SURROGATE.test(text)).toBe(false);
      }
    }
  });
});
