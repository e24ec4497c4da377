import { FailedAuthenticationThrottle } from './failed-authentication-throttle';

describe(FailedAuthenticationThrottle.name, () => {
  let now: number;

  beforeEach(() => {
    now = Date.parse('2026-06-01T00:00:00Z');
    jest.spyOn(Date, 'now').mockImplementation(() => now);
  });

  afterEach(() => jest.restoreAllMocks());

  it('refuses an address with 429 once it used its wrong keys for the minute, until the minute ends', () => {
    const sut = new FailedAuthenticationThrottle({ AUTH_FAILURES_PER_MINUTE: 2 });
    sut.recordFailure('10.0.0.1');
    sut.check('10.0.0.1');
    sut.recordFailure('10.0.0.1');

    expect(() => sut.check('10.0.0.1')).toThrow(
      expect.objectContaining({ status: 429, retryAfterMs: 60_000 }),
    );
    expect(() => sut.check('10.0.0.2')).not.toThrow();
    now += 59_000;
    expect(() => sut.check('10.0.0.1')).toThrow(expect.objectContaining({ retryAfterMs: 1000 }));
    now += 1000;
    expect(() => sut.check('10.0.0.1')).not.toThrow();
  });

  it('never refuses with a limit of 0', () => {
    const sut = new FailedAuthenticationThrottle({ AUTH_FAILURES_PER_MINUTE: 0 });
    for (let attempt = 0; attempt < 1000; attempt += 1) sut.recordFailure('10.0.0.1');

    expect(() => sut.check('10.0.0.1')).not.toThrow();
  });
});
