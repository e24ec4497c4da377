import { hashSessionId, SessionHashPicker } from './model-picker';

const pool = ['a', 'b', 'c'];

describe(SessionHashPicker.name, () => {
  it('gives one session the same model every time, on every instance', () => {
    const context = { router: 'r', tier: 'SIMPLE' as const, sessionId: 'ses_deabfd3faffeD5jSpTLdikmrMh' };
    const first = new SessionHashPicker().pick(pool, context);
    const sut = new SessionHashPicker();
    for (let round = 0; round < 5; round += 1) expect(sut.pick(pool, context)).toBe(first);
    expect(first).toBe(pool[hashSessionId(context.sessionId) % pool.length]);
  });

  it('spreads sessions over the pool', () => {
    const sut = new SessionHashPicker();
    const picked = new Set(
      Array.from({ length: 50 }, (_, index) =>
        sut.pick(pool, { router: 'r', tier: 'SIMPLE', sessionId: `s${index}` }),
      ),
    );
    expect(picked).toEqual(new Set(pool));
  });

  it('takes turns without a session, per tier', () => {
    const sut = new SessionHashPicker();
    const simple = { router: 'r', tier: 'SIMPLE' as const, sessionId: null };
    const complex = { router: 'r', tier: 'COMPLEX' as const, sessionId: null };
    expect([
      sut.pick(pool, simple),
      sut.pick(pool, simple),
      sut.pick(pool, complex),
      sut.pick(pool, simple),
    ]).toEqual(['a', 'b', 'a', 'c']);
  });
});

describe(hashSessionId.name, () => {
  it('is FNV-1a, 32 bits', () => {
    expect(hashSessionId('')).toBe(0x811c9dc5);
    expect(hashSessionId('a')).toBe(0xe40c292c);
  });
});
