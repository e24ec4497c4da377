import { MAX_REQUEST_TTL_SECONDS, requestCacheTtlSeconds } from './chat-response-cache';

describe(requestCacheTtlSeconds.name, () => {
  it("keeps a request's ttl up to a day", () => {
    expect(requestCacheTtlSeconds(60, 3600)).toBe(60);
    expect(requestCacheTtlSeconds(MAX_REQUEST_TTL_SECONDS, 3600)).toBe(86_400);
  });

  it('caps a longer or absurd ttl at a day (or the configured default when that is longer)', () => {
    expect(requestCacheTtlSeconds(10 * 365 * 86_400, 3600)).toBe(86_400);
    expect(requestCacheTtlSeconds(1e300, 3600)).toBe(86_400);
    expect(requestCacheTtlSeconds(30 * 86_400, 7 * 86_400)).toBe(7 * 86_400);
  });

  it('falls back to the default for a missing, zero, negative or non-numeric ttl', () => {
    for (const requested of [Number.NaN, 0, -5, Number.POSITIVE_INFINITY]) {
      expect(requestCacheTtlSeconds(requested, 3600)).toBe(3600);
    }
  });
});
