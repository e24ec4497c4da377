import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { BudgetRedisKeys } from '@switchyard/contracts';
import { testInfrastructure, uniqueSuffix } from '@switchyard/testing';
import {
  type AdmitRequest,
  LimitScripts,
  lostAttemptField,
  minuteOf,
  type ScopeLimitsRequest,
} from './limit-scripts';

describe(LimitScripts.name, () => {
  let redis: Redis;
  let sut: LimitScripts;
  const start = Date.parse('2026-06-01T12:00:10Z');

  beforeAll(() => {
    redis = new Redis(testInfrastructure().redisUrl, { keyPrefix: `switchyard-test-${uniqueSuffix()}:` });
    sut = new LimitScripts(redis);
  });

  afterAll(() => redis.disconnect());

  function admission(keyId: string, overrides: Partial<AdmitRequest> = {}): AdmitRequest {
    return {
      keyId,
      callId: randomUUID(),
      nowMs: start,
      spendKey: BudgetRedisKeys.spend(keyId, { startMs: 0, endMs: Number.MAX_SAFE_INTEGER }),
      rpmLimit: null,
      tpmLimit: null,
      parallelLimit: null,
      maxBudget: null,
      estimateUsd: 0,
      estimateTokens: 0,
      holdMs: 60_000,
      ...overrides,
    };
  }

  it('admits exactly as many concurrent calls as their estimates fit in the budget', async () => {
    const keyId = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 50 }, () => sut.admit(admission(keyId, { maxBudget: 1, estimateUsd: 0.07 }))),
    );
    expect(results.filter((result) => result.outcome === 'ok')).toHaveLength(14);
    expect(results.filter((result) => result.outcome === 'budget')).toHaveLength(36);
  });

  it('counts the spend counter, then holds a settled cost until the ledger counted it', async () => {
    const keyId = randomUUID();
    const spendKey = BudgetRedisKeys.spend(keyId, { startMs: 0, endMs: Number.MAX_SAFE_INTEGER });
    await redis.set(spendKey, '0.5');
    const call = admission(keyId, { spendKey, maxBudget: 1, estimateUsd: 0.3 });
    expect(await sut.admit(call)).toMatchObject({ outcome: 'ok', spendUsd: 0.5, reservedUsd: 0 });
    expect(await sut.admit(admission(keyId, { spendKey, maxBudget: 1, estimateUsd: 0.3 }))).toMatchObject({
      outcome: 'budget',
      spendUsd: 0.5,
      reservedUsd: 0.3,
    });
    // the call cost 0.1: that stays reserved (the ledger has not counted it) instead of the estimate
    await sut.settle({
      keyId,
      callId: call.callId,
      nowMs: start,
      parallel: false,
      budget: true,
      costUsd: 0.1,
      eventId: 'event-1',
      tokensMinute: null,
      tokensDelta: 0,
    });
    expect(await redis.hget(BudgetRedisKeys.reserved(keyId), call.callId)).toBe('0.1|event-1');
    expect(await sut.admit(admission(keyId, { spendKey, maxBudget: 1, estimateUsd: 0.35 }))).toMatchObject({
      outcome: 'ok',
      reservedUsd: 0.1,
    });
  });

  it('releases instead of holding when the ledger counted the event first, and when there is no cost', async () => {
    const keyId = randomUUID();
    const first = admission(keyId, { maxBudget: 1, estimateUsd: 0.4 });
    const second = admission(keyId, { maxBudget: 1, estimateUsd: 0.4 });
    await sut.admit(first);
    await sut.admit(second);
    await redis.set(BudgetRedisKeys.counted(keyId, 'event-2'), '1');
    const settle = { nowMs: start, parallel: false, budget: true, tokensMinute: null, tokensDelta: 0 };
    await sut.settle({ ...settle, keyId, callId: first.callId, costUsd: 0.2, eventId: 'event-2' });
    await sut.settle({ ...settle, keyId, callId: second.callId, costUsd: null, eventId: null });
    expect(await redis.hlen(BudgetRedisKeys.reserved(keyId))).toBe(0);
    expect(await redis.exists(BudgetRedisKeys.reservedTotal(keyId))).toBe(0);
  });

  it('holds a settled cost however long the ledger lags, and later admissions never shorten its life', async () => {
    const keyId = randomUUID();
    const call = admission(keyId, { maxBudget: 1, estimateUsd: 0.3 });
    await sut.admit(call);
    await sut.settle({
      keyId,
      callId: call.callId,
      nowMs: start,
      parallel: false,
      budget: true,
      costUsd: 0.1,
      eventId: 'event-late',
      tokensMinute: null,
      tokensDelta: 0,
    });
    // another call admitted meanwhile, with the short hold of a call in flight
    await sut.admit(admission(keyId, { maxBudget: 1, estimateUsd: 0.1, holdMs: 60_000 }));
    for (const redisKey of [BudgetRedisKeys.reserved(keyId), BudgetRedisKeys.reservedTotal(keyId)]) {
      expect(await redis.pttl(redisKey)).toBeGreaterThan(24 * 3600_000);
    }
    // 16 minutes later the ledger still has not counted event-late: its cost still counts
    const later = start + 16 * 60_000;
    expect(
      await sut.admit(admission(keyId, { maxBudget: 1, estimateUsd: 0.95, nowMs: later })),
    ).toMatchObject({ outcome: 'budget', reservedUsd: 0.1 });
  });

  it('reserves the estimate again for an attempt whose dispatcher went silent, when the budget covers it', async () => {
    const keyId = randomUUID();
    const spendKey = BudgetRedisKeys.spend(keyId, { startMs: 0, endMs: Number.MAX_SAFE_INTEGER });
    const call = admission(keyId, { spendKey, maxBudget: 1, estimateUsd: 0.4 });
    await sut.admit(call);
    const again = {
      keyId,
      callId: call.callId,
      nowMs: start,
      spendKey,
      maxBudget: 1,
      estimateUsd: 0.4,
      holdMs: 60_000,
    };
    expect(await sut.reserveAgain({ ...again, lostAttempt: 0 })).toBe(true);
    expect(await redis.hget(BudgetRedisKeys.reserved(keyId), lostAttemptField(call.callId, 0))).toBe('0.4');
    expect(Number(await redis.get(BudgetRedisKeys.reservedTotal(keyId)))).toBeCloseTo(0.8, 12);
    // a third attempt would not fit: refused, nothing reserved
    expect(await sut.reserveAgain({ ...again, lostAttempt: 1 })).toBe(false);
    expect(await redis.hlen(BudgetRedisKeys.reserved(keyId))).toBe(2);
  });

  it('reserves nothing again for an attempt the ledger has already counted', async () => {
    const keyId = randomUUID();
    const spendKey = BudgetRedisKeys.spend(keyId, { startMs: 0, endMs: Number.MAX_SAFE_INTEGER });
    const call = admission(keyId, { spendKey, maxBudget: 1, estimateUsd: 0.4 });
    await sut.admit(call);
    // the silent attempt's event reached the ledger before the call is dispatched again
    await redis.set(BudgetRedisKeys.countedAttempt(keyId, call.callId, 0), '1', 'PX', 60_000);
    const again = {
      keyId,
      callId: call.callId,
      nowMs: start,
      spendKey,
      maxBudget: 1,
      estimateUsd: 0.4,
      holdMs: 60_000,
    };
    expect(await sut.reserveAgain({ ...again, lostAttempt: 0 })).toBe(true);
    expect(await redis.hget(BudgetRedisKeys.reserved(keyId), lostAttemptField(call.callId, 0))).toBeNull();
    expect(Number(await redis.get(BudgetRedisKeys.reservedTotal(keyId)))).toBeCloseTo(0.4, 12);
  });

  it('forgets a reservation whose call never settled once its hold is over', async () => {
    const keyId = randomUUID();
    await sut.admit(admission(keyId, { maxBudget: 1, estimateUsd: 0.9, holdMs: 1000 }));
    expect(await sut.admit(admission(keyId, { maxBudget: 1, estimateUsd: 0.9 }))).toMatchObject({
      outcome: 'budget',
    });
    expect(
      await sut.admit(admission(keyId, { maxBudget: 1, estimateUsd: 0.9, nowMs: start + 1001 })),
    ).toMatchObject({
      outcome: 'ok',
      reservedUsd: 0,
    });
  });

  it('allows rpm_limit requests in any 60 s, and tells when the oldest leaves the window', async () => {
    const keyId = randomUUID();
    const outcomes = [];
    for (let index = 0; index < 8; index += 1) {
      outcomes.push(await sut.admit(admission(keyId, { rpmLimit: 5, nowMs: start + index * 1000 })));
    }
    expect(outcomes.map((result) => result.outcome)).toEqual([
      'ok',
      'ok',
      'ok',
      'ok',
      'ok',
      'rpm',
      'rpm',
      'rpm',
    ]);
    expect(outcomes[7]).toEqual({ outcome: 'rpm', requests: 5, resetMs: 53_000 });
    expect((await sut.admit(admission(keyId, { rpmLimit: 5, nowMs: start + 60_000 }))).outcome).toBe('ok');
    expect((await sut.admit(admission(keyId, { rpmLimit: 5, nowMs: start + 60_001 }))).outcome).toBe('rpm');
  });

  it('counts tokens per minute with the previous minute weighted by what is left of this one', async () => {
    const keyId = randomUUID();
    const minute = minuteOf(start);
    await redis.set(BudgetRedisKeys.tokens(keyId, minute - 1), '600');
    // 10 s into the minute: 600 × 50/60 = 500 still count
    expect(await sut.admit(admission(keyId, { tpmLimit: 1000, estimateTokens: 500 }))).toMatchObject({
      outcome: 'ok',
      tokens: 1000,
    });
    expect(await sut.admit(admission(keyId, { tpmLimit: 1000, estimateTokens: 1 }))).toMatchObject({
      outcome: 'tpm',
      tokens: 1000,
      resetMs: 50_000,
    });
  });

  it('limits calls in flight until they settle', async () => {
    const keyId = randomUUID();
    const running = admission(keyId, { parallelLimit: 1 });
    expect((await sut.admit(running)).outcome).toBe('ok');
    expect(await sut.admit(admission(keyId, { parallelLimit: 1 }))).toMatchObject({
      outcome: 'parallel',
      running: 1,
    });
    await sut.settle({
      keyId,
      callId: running.callId,
      nowMs: start,
      parallel: true,
      budget: false,
      costUsd: null,
      eventId: null,
      tokensMinute: null,
      tokensDelta: 0,
    });
    expect((await sut.admit(admission(keyId, { parallelLimit: 1 }))).outcome).toBe('ok');
  });

  it('changes nothing when one limit refuses', async () => {
    const keyId = randomUUID();
    await sut.admit(admission(keyId, { parallelLimit: 1 }));
    const refused = admission(keyId, { parallelLimit: 1, rpmLimit: 10, maxBudget: 1, estimateUsd: 0.1 });
    expect((await sut.admit(refused)).outcome).toBe('parallel');
    expect(await redis.zcard(BudgetRedisKeys.requests(keyId))).toBe(0);
    expect(await redis.hlen(BudgetRedisKeys.reserved(keyId))).toBe(0);
  });

  describe('several scopes (a key and its team)', () => {
    const allTime = { startMs: 0, endMs: Number.MAX_SAFE_INTEGER };
    const scope = (scopeId: string, overrides: Partial<ScopeLimitsRequest> = {}): ScopeLimitsRequest => ({
      scopeId,
      spendKey: BudgetRedisKeys.spend(scopeId, allTime),
      rpmLimit: null,
      tpmLimit: null,
      parallelLimit: null,
      maxBudget: null,
      ...overrides,
    });

    it("holds the team's budget across all its keys under concurrency, each key's own too", async () => {
      const teamId = `team:${randomUUID()}`;
      const keyIds = Array.from({ length: 4 }, () => randomUUID());
      const results = await Promise.all(
        Array.from({ length: 60 }, (_, index) =>
          sut.admitScopes({
            callId: randomUUID(),
            nowMs: start,
            estimateUsd: 0.07,
            estimateTokens: 0,
            holdMs: 60_000,
            scopes: [scope(keyIds[index % 4], { maxBudget: 0.3 }), scope(teamId, { maxBudget: 1 })],
          }),
        ),
      );
      expect(results.filter((result) => result.outcome === 'ok')).toHaveLength(14);
      const refusals = results.filter((result) => result.outcome === 'budget');
      expect(refusals).toHaveLength(46);
      // 4 keys × 4 calls fit their own budgets: the team's $1 refuses the last two admissible ones
      expect(refusals.some((result) => result.outcome === 'budget' && result.scopeIndex === 1)).toBe(true);
      expect(Number(await redis.get(BudgetRedisKeys.reservedTotal(teamId)))).toBeCloseTo(0.98, 10);
    });

    it('counts nothing in the key when its team refuses, and settles in every scope', async () => {
      const teamId = `team:${randomUUID()}`;
      const keyId = randomUUID();
      const both = [
        scope(keyId, { rpmLimit: 10, maxBudget: 5 }),
        scope(teamId, { parallelLimit: 1, maxBudget: 5 }),
      ];
      const first = {
        callId: randomUUID(),
        nowMs: start,
        estimateUsd: 0.1,
        estimateTokens: 0,
        holdMs: 60_000,
      };
      expect((await sut.admitScopes({ ...first, scopes: both })).outcome).toBe('ok');
      const refused = await sut.admitScopes({ ...first, callId: randomUUID(), scopes: both });
      expect(refused).toMatchObject({ outcome: 'parallel', scopeIndex: 1, running: 1 });
      expect(await redis.zcard(BudgetRedisKeys.requests(keyId))).toBe(1);
      expect(await redis.hlen(BudgetRedisKeys.reserved(keyId))).toBe(1);

      await sut.settleScopes({
        callId: first.callId,
        nowMs: start,
        costUsd: 0.05,
        eventId: 'event-1',
        tokensMinute: null,
        tokensDelta: 0,
        scopes: [
          { scopeId: keyId, parallel: false, budget: true, tokens: false },
          { scopeId: teamId, parallel: true, budget: true, tokens: false },
        ],
      });
      expect(await redis.zcard(BudgetRedisKeys.parallel(teamId))).toBe(0);
      for (const scopeId of [keyId, teamId]) {
        expect(await redis.hget(BudgetRedisKeys.reserved(scopeId), first.callId)).toBe('0.05|event-1');
      }
    });
  });
});
