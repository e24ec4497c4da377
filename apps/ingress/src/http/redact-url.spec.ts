import { redactUrlKeys } from './redact-url';

describe('redactUrlKeys', () => {
  it.each([
    [
      'POST /v1beta/models/x:generateContent?key=sk-secret',
      'POST /v1beta/models/x:generateContent?key=[REDACTED]',
    ],
    ['/v1beta/models?alt=sse&key=sk-secret&pageSize=5', '/v1beta/models?alt=sse&key=[REDACTED]&pageSize=5'],
    ['/x?api_key=a&access_token=b', '/x?api_key=[REDACTED]&access_token=[REDACTED]'],
    ['/v1/chat/completions', '/v1/chat/completions'],
  ])('%s → %s', (text, expected) => {
    expect(redactUrlKeys(text)).toBe(expected);
  });
});
