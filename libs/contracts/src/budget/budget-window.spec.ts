import {
  addDuration,
  ALL_TIME_END_MS,
  budgetWindowAt,
  keyBudgetWindow,
  parseDuration,
} from './budget-window';

const at = (iso: string) => Date.parse(iso);

describe(parseDuration.name, () => {
  it.each([
    ['30s', { amount: 30, unit: 's' }],
    ['30m', { amount: 30, unit: 'm' }],
    ['30h', { amount: 30, unit: 'h' }],
    ['30d', { amount: 30, unit: 'd' }],
    ['2w', { amount: 2, unit: 'w' }],
    ['1mo', { amount: 1, unit: 'mo' }],
  ])('reads %s', (text, expected) => {
    expect(parseDuration(text)).toEqual(expected);
  });

  it.each(['', '0d', '30', 'd', '1.5h', '30 d', '1y', '-1d'])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeNull();
  });
});

describe(budgetWindowAt.name, () => {
  const sut = budgetWindowAt;
  const anchor = at('2026-01-31T10:00:00.000Z');

  it('counts fixed windows from the anchor', () => {
    expect(sut(anchor, { amount: 30, unit: 's' }, anchor + 75_000)).toEqual({
      startMs: anchor + 60_000,
      endMs: anchor + 90_000,
    });
    expect(sut(anchor, { amount: 1, unit: 'd' }, at('2026-02-03T09:59:59.999Z'))).toEqual({
      startMs: at('2026-02-02T10:00:00.000Z'),
      endMs: at('2026-02-03T10:00:00.000Z'),
    });
  });

  it('starts a window exactly at its boundary', () => {
    const window = sut(anchor, { amount: 30, unit: 'm' }, anchor + 30 * 60_000);
    expect(window.startMs).toBe(anchor + 30 * 60_000);
  });

  it('puts a time before the anchor in the window before the first', () => {
    expect(sut(anchor, { amount: 1, unit: 'h' }, anchor - 1)).toEqual({
      startMs: anchor - 3_600_000,
      endMs: anchor,
    });
  });

  it('counts calendar months, clamped to the last day of short months and back', () => {
    const monthly = { amount: 1, unit: 'mo' } as const;
    expect(sut(anchor, monthly, at('2026-02-15T00:00:00Z'))).toEqual({
      startMs: anchor,
      endMs: at('2026-02-28T10:00:00.000Z'),
    });
    expect(sut(anchor, monthly, at('2026-03-01T00:00:00Z'))).toEqual({
      startMs: at('2026-02-28T10:00:00.000Z'),
      endMs: at('2026-03-31T10:00:00.000Z'),
    });
    expect(sut(anchor, monthly, at('2026-03-31T10:00:00.000Z')).startMs).toBe(at('2026-03-31T10:00:00.000Z'));
    expect(sut(anchor, { amount: 3, unit: 'mo' }, at('2027-01-01T00:00:00Z'))).toEqual({
      startMs: at('2026-10-31T10:00:00.000Z'),
      endMs: at('2027-01-31T10:00:00.000Z'),
    });
  });

  it('is all time without a duration', () => {
    expect(sut(anchor, null, anchor)).toEqual({ startMs: 0, endMs: ALL_TIME_END_MS });
  });

  it('makes consecutive windows that touch, for every unit', () => {
    for (const duration of ['45s', '7m', '5h', '3d', '1w', '1mo', '2mo'].map((text) =>
      parseDuration(text)!,
    )) {
      let window = sut(anchor, duration, anchor);
      for (let index = 0; index < 30; index += 1) {
        const next = sut(anchor, duration, window.endMs);
        expect(next.startMs).toBe(window.endMs);
        expect(sut(anchor, duration, window.endMs - 1)).toEqual(window);
        window = next;
      }
    }
  });
});

describe(keyBudgetWindow.name, () => {
  it('reads the creation time and budget_duration of a key', () => {
    expect(keyBudgetWindow('2026-01-01T00:00:00.000Z', '30d', at('2026-02-15T00:00:00Z'))).toEqual({
      startMs: at('2026-01-31T00:00:00.000Z'),
      endMs: at('2026-03-02T00:00:00.000Z'),
    });
    expect(keyBudgetWindow('2026-01-01T00:00:00.000Z', null, Date.now()).endMs).toBe(ALL_TIME_END_MS);
  });
});

describe(addDuration.name, () => {
  it('adds calendar months from the original day', () => {
    expect(addDuration(at('2026-01-31T00:00:00Z'), { amount: 1, unit: 'mo' }, 2)).toBe(
      at('2026-03-31T00:00:00Z'),
    );
    expect(addDuration(at('2024-01-31T00:00:00Z'), { amount: 1, unit: 'mo' })).toBe(
      at('2024-02-29T00:00:00Z'),
    );
  });
});
