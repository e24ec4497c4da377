import { headerValue, headerValues } from './header-value';

describe(headerValue.name, () => {
  const sut = headerValue;

  it('keeps printable ASCII as it is', () => {
    expect(sut('openai/gpt-5.4-mini (eu)')).toBe('openai/gpt-5.4-mini (eu)');
  });

  it('percent-encodes the UTF-8 of a value with characters outside Latin-1, reversibly', () => {
    const name = 'модель-测试-🚀';
    expect(sut(name)).toMatch(/^[\x21-\x7e]+$/);
    expect(decodeURIComponent(sut(name))).toBe(name);
  });

  it('encodes Latin-1 letters, control characters and a % so that decoding is unambiguous', () => {
    for (const value of ['café', 'a\r\nx-injected: 1', '50%-model']) {
      expect(sut(value)).toMatch(/^[\x21-\x7e]+$/);
      expect(decodeURIComponent(sut(value))).toBe(value);
    }
  });

  it('writes a lone surrogate as U+FFFD instead of throwing', () => {
    expect(decodeURIComponent(sut('x\ud800y'))).toBe('x\ufffdy');
  });

  it('gives values Node accepts in a header', () => {
    const { validateHeaderValue } = jest.requireActual<typeof import('node:http')>('node:http');
    for (const value of ['模型', 'a\u0000b', '\u00ff', 'x\ud800']) {
      expect(() => validateHeaderValue('x-test', sut(value))).not.toThrow();
    }
  });
});

describe(headerValues.name, () => {
  it('encodes every value and keeps the names', () => {
    expect(headerValues({ 'x-a': 'plain', 'x-b': 'é' })).toEqual({ 'x-a': 'plain', 'x-b': '%C3%A9' });
  });
});
