import { formatReset, rateLimitHeaders } from './rate-limit-headers';

describe(formatReset.name, () => {
  it.each([
    [0, '0ms'],
    [250.4, '250ms'],
    [1000, '1s'],
    [12_100, '13s'],
    [60_000, '1m0s'],
    [90_000, '1m30s'],
  ])('writes %d ms as %s', (milliseconds, text) => {
    expect(formatReset(milliseconds)).toBe(text);
  });
});

describe(rateLimitHeaders.name, () => {
  it('writes OpenAI-style headers for the limits a key has, never a negative remainder', () => {
    expect(rateLimitHeaders({ requests: { limit: 5, remaining: -1, resetMs: 30_000 } })).toEqual({
      'x-ratelimit-limit-requests': '5',
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': '30s',
    });
    expect(rateLimitHeaders({})).toEqual({});
  });
});
