import { UsageEvent } from '@switchyard/contracts';
import { makeUsageEvent } from '@switchyard/testing';
import { minimalUsageEvent, salvageUsageEvent } from './minimal-usage-event';

describe(minimalUsageEvent.name, () => {
  it('keeps what bills the call, clamps numbers to their columns and drops the free text', () => {
    const event = makeUsageEvent({
      keyId: 'key-1',
      user: 'x'.repeat(10_000),
      metadata: { big: 'y'.repeat(10_000) },
      startedAt: '0000-01-01T00:00:00Z',
      tokens: {
        input: { total: 5e9, noCache: 5e9, cacheRead: 0, cacheWrite: 0 },
        output: { total: 1, reasoning: 0 },
      },
      costUsd: 1e30,
    });
    const sut = minimalUsageEvent(event, { reason: 'refused' });
    expect(UsageEvent.safeParse(sut).success).toBe(true);
    expect(sut).toMatchObject({
      eventId: event.eventId,
      requestId: event.requestId,
      keyId: 'key-1',
      user: null,
      metadata: { ledger_minimal_row: 'refused' },
      costUsd: 100_000_000_000,
    });
    expect(sut.tokens.input.total).toBe(2_147_483_647);
    expect(new Date(sut.startedAt).getUTCFullYear()).toBeGreaterThanOrEqual(2025);
  });
});

describe(salvageUsageEvent.name, () => {
  it('reads the call, key and cost of an event with fields UsageEvent refuses', () => {
    const event = {
      ...makeUsageEvent({ keyId: 'key-2', costUsd: 0.3 }),
      status: 'new-status',
      tokens: 'odd',
    };
    const sut = salvageUsageEvent(event, { reason: 'unreadable' });
    expect(sut).toMatchObject({ eventId: event.eventId, keyId: 'key-2', costUsd: 0.3, status: 'error' });
    expect(sut?.tokens.input.total).toBe(0);
  });

  it('gives up without an event id or a readable cost', () => {
    expect(salvageUsageEvent({ ...makeUsageEvent(), eventId: 'nope' }, { reason: 'x' })).toBeNull();
    expect(salvageUsageEvent({ ...makeUsageEvent(), costUsd: 'a lot' }, { reason: 'x' })).toBeNull();
    expect(salvageUsageEvent({ not: 'an event' }, { reason: 'x' })).toBeNull();
  });
});
