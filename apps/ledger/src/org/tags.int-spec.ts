import { UsagePublisher } from '@switchyard/bus';
import {
  BudgetRedisKeys,
  keyBudgetWindow,
  type OrgMessage,
  type OrgReply,
  Subjects,
  type Tag,
  tagScopeId,
  type UsageEvent,
} from '@switchyard/contracts';
import { eventually, type LedgerHarness, makeUsageEvent, startLedgerHarness } from '@switchyard/testing';

describe('the tag API of the ledger (org.admin.v1 tag.*)', () => {
  let ledger: LedgerHarness;

  beforeAll(async () => {
    ledger = await startLedgerHarness();
  });

  afterAll(() => ledger?.stop());

  const org = (message: OrgMessage): Promise<OrgReply> => ledger.bus.request(Subjects.orgAdmin, message);
  const limitsOf = async (name: string) => {
    const text = await ledger.redis.get(BudgetRedisKeys.limits(`tag:${name}`));
    return text === null ? null : (JSON.parse(text) as Record<string, unknown>);
  };
  const info = async (name: string) => (await org({ op: 'tag.info', body: { names: [name] } }))[name] as Tag;
  const sum = (events: UsageEvent[]) => events.reduce((total, event) => total + (event.costUsd ?? 0), 0);

  it("writes a tag's limits to Redis on creation and every change, removes them with the limits or the tag, and refuses a name taken", async () => {
    const created = await org({
      op: 'tag.new',
      body: { name: 'limited', max_budget: 5, budget_duration: '1d', rpm_limit: 7 },
    });
    expect(created.tag).toMatchObject({ name: 'limited', max_budget: 5, rpm_limit: 7, spend: 0 });
    expect(await limitsOf('limited')).toMatchObject({
      max_budget: 5,
      budget_duration: '1d',
      rpm_limit: 7,
      tpm_limit: null,
      max_parallel_requests: null,
      created_at: (created.tag as Tag).created_at,
    });
    await expect(org({ op: 'tag.new', body: { name: 'limited' } })).rejects.toMatchObject({
      status: 400,
      message: 'Tag limited already exists',
    });

    await org({ op: 'tag.update', body: { name: 'limited', max_budget: 9, description: 'nine' } });
    expect(await limitsOf('limited')).toMatchObject({ max_budget: 9, rpm_limit: 7 });
    await org({ op: 'tag.update', body: { name: 'limited', max_budget: null, rpm_limit: null } });
    expect(await limitsOf('limited')).toBeNull();
    expect(await info('limited')).toMatchObject({
      description: 'nine',
      max_budget: null,
      budget_duration: '1d',
    });

    await org({ op: 'tag.new', body: { name: 'plain' } });
    expect(await limitsOf('plain')).toBeNull();
    await org({ op: 'tag.update', body: { name: 'plain', max_parallel_requests: 2 } });
    expect(await limitsOf('plain')).toMatchObject({ max_parallel_requests: 2 });
    expect(await org({ op: 'tag.delete', body: { name: 'plain' } })).toEqual({
      message: 'Tag plain deleted successfully',
    });
    expect(await limitsOf('plain')).toBeNull();
    await expect(org({ op: 'tag.delete', body: { name: 'plain' } })).rejects.toMatchObject({ status: 404 });
    await expect(org({ op: 'tag.update', body: { name: 'plain' } })).rejects.toMatchObject({ status: 404 });
  });

  it("charges each event's cost to every existing tag it carries (request, key and team tags) from the tag's creation, and recounts a changed window", async () => {
    const team = await org({ op: 'team.new', body: { team_id: 'tagged-team', tags: ['by-team'] } });
    expect(team.tags).toEqual(['by-team']);
    const key = await ledger.bus.request(Subjects.keysGenerate, {
      settings: { team_id: 'tagged-team', tags: ['by-key'] },
      keyHash: 'b'.repeat(64),
      keyName: 'sk-...tags',
    });
    const publisher = new UsagePublisher(ledger.connection, ledger.namespace);
    const before = makeUsageEvent({ keyId: null, metadata: { tags: ['by-request'] } });
    publisher.publish(before);
    expect(await publisher.flush()).toBe(true);
    await eventually(
      () => ledger.fleet.database.query(`SELECT 1 FROM usage_events WHERE event_id = $1`, [before.eventId]),
      (rows) => rows.length === 1,
    );
    for (const name of ['by-request', 'by-key', 'by-team'])
      await org({ op: 'tag.new', body: { name, max_budget: 100 } });

    const keyed = [makeUsageEvent({ keyId: key.key_id, metadata: null })];
    const requested = [
      makeUsageEvent({ keyId: null, metadata: { tags: ['by-request', 'unknown'] } }),
      // a tag no row can hold (NUL) is stored as U+FFFD and charges nothing; the batch goes on
      makeUsageEvent({ keyId: null, metadata: { tags: ['by-request', 'nul\u0000tag'] } }),
    ];
    for (const event of [...keyed, ...requested]) publisher.publish(event);
    expect(await publisher.flush()).toBe(true);

    const byRequest = await eventually(
      () => info('by-request'),
      (tag) => Math.abs(tag.spend - sum(requested)) < 1e-9,
      { description: "the spend of a request's tag, from its creation on" },
    );
    expect(byRequest.budget_reset_at).toBeNull();
    const byKey = await info('by-key');
    expect(byKey.spend).toBeCloseTo(sum(keyed), 9);
    expect((await info('by-team')).spend).toBeCloseTo(sum(keyed), 9);
    const counter = BudgetRedisKeys.spend(
      tagScopeId('by-key', byKey.created_at),
      keyBudgetWindow(byKey.created_at, null, Date.now()),
    );
    expect(Number(await ledger.redis.get(counter))).toBeCloseTo(sum(keyed), 9);

    const daily = (await org({ op: 'tag.update', body: { name: 'by-request', budget_duration: '1d' } }))
      .tag as Tag;
    // the recount reads the usage rows, still only from the tag's creation on
    expect(daily.spend).toBeCloseTo(sum(requested), 9);
    expect(daily.budget_reset_at).not.toBeNull();
    const window = keyBudgetWindow(daily.created_at, '1d', Date.now());
    expect(
      Number(
        await ledger.redis.get(BudgetRedisKeys.spend(tagScopeId('by-request', daily.created_at), window)),
      ),
    ).toBeCloseTo(sum(requested), 9);
    const listed = (await org({ op: 'tag.list', body: {} })).tags as Tag[];
    expect(listed.map((tag) => tag.name)).toEqual(
      expect.arrayContaining(['by-request', 'by-key', 'by-team']),
    );
    // the list reads every tag's spend in its own window (one query for all)
    const spendOf = (name: string) => listed.find((tag) => tag.name === name);
    expect(spendOf('by-request')).toMatchObject({ budget_reset_at: daily.budget_reset_at });
    expect(spendOf('by-request')?.spend).toBeCloseTo(sum(requested), 9);
    expect(spendOf('by-key')?.spend).toBeCloseTo(sum(keyed), 9);
    expect(spendOf('by-team')?.spend).toBeCloseTo(sum(keyed), 9);
  });

  it('gives a tag created again under a deleted name its own spend: nothing of the earlier life comes back', async () => {
    const spendKey = (tag: Tag) =>
      BudgetRedisKeys.spend(
        tagScopeId(tag.name, tag.created_at),
        keyBudgetWindow(tag.created_at, null, Date.now()),
      );
    const first = (await org({ op: 'tag.new', body: { name: 'reborn', max_budget: 100 } })).tag as Tag;
    const publisher = new UsagePublisher(ledger.connection, ledger.namespace);
    const charged = makeUsageEvent({ keyId: null, metadata: { tags: ['reborn'] } });
    publisher.publish(charged);
    expect(await publisher.flush()).toBe(true);
    await eventually(
      () => info('reborn'),
      (tag) => tag.spend > 0,
      { description: 'the spend of the first life' },
    );
    // the ledger counts the first life under its own scope id
    expect(Number(await ledger.redis.get(spendKey(first)))).toBeCloseTo(charged.costUsd ?? 0, 9);
    await org({ op: 'tag.delete', body: { name: 'reborn' } });
    // a counter write of the first life that lands after the delete (a queued raise, a reseed)
    await ledger.redis.set(spendKey(first), String(charged.costUsd));

    const second = (await org({ op: 'tag.new', body: { name: 'reborn', max_budget: 100 } })).tag as Tag;
    expect(second.spend).toBe(0);
    // the ingress names the counter from the limits record it reads
    const record = (await limitsOf('reborn')) as { created_at: string };
    expect(record.created_at).toBe(second.created_at);
    const counter = BudgetRedisKeys.spend(
      tagScopeId('reborn', record.created_at),
      keyBudgetWindow(record.created_at, null, Date.now()),
    );
    expect(counter).not.toBe(spendKey(first));
    expect(Number((await ledger.redis.get(counter)) ?? 0)).toBe(0);
  });

  it("repairs at every reseed the limits Redis holds: a stale record of a tag that has none, a lost change, a deleted tag's", async () => {
    await org({ op: 'tag.new', body: { name: 'unlimited-now', rpm_limit: 5 } });
    await org({ op: 'tag.update', body: { name: 'unlimited-now', rpm_limit: null } });
    const changed = (await org({ op: 'tag.new', body: { name: 'changed', max_budget: 3 } })).tag as Tag;
    // what a reseed that read before the change, or a change whose Redis write failed, leaves behind
    const stale = (max_budget: number, created_at = changed.created_at) =>
      JSON.stringify({
        max_budget,
        budget_duration: null,
        rpm_limit: 5,
        tpm_limit: null,
        max_parallel_requests: null,
        created_at,
      });
    await ledger.redis.set(BudgetRedisKeys.limits('tag:unlimited-now'), stale(1));
    await ledger.redis.set(BudgetRedisKeys.limits('tag:changed'), stale(99));
    await ledger.redis.set(BudgetRedisKeys.limits('tag:deleted-meanwhile'), stale(1));

    await ledger.fleet.fleet.stopService('ledger', 'SIGKILL');
    await ledger.fleet.fleet.startService(ledger.fleet.spec('ledger'));
    await eventually(
      () => limitsOf('deleted-meanwhile'),
      (limits) => limits === null,
      { timeoutMs: 30_000, description: "the sweep of a deleted tag's limits after the restart" },
    );
    expect(await limitsOf('unlimited-now')).toBeNull();
    expect(await limitsOf('changed')).toEqual({
      max_budget: 3,
      budget_duration: null,
      rpm_limit: null,
      tpm_limit: null,
      max_parallel_requests: null,
      created_at: changed.created_at,
    });
  });

  it("removes a deleted tag's counter, reservations and rate windows from Redis", async () => {
    const tag = (await org({ op: 'tag.new', body: { name: 'leaves-nothing', max_budget: 5, rpm_limit: 9 } }))
      .tag as Tag;
    const scopeId = tagScopeId(tag.name, tag.created_at);
    const minute = Math.floor(Date.now() / 60_000);
    const keys = [
      BudgetRedisKeys.spend(scopeId, keyBudgetWindow(tag.created_at, null, Date.now())),
      BudgetRedisKeys.reserved(scopeId),
      BudgetRedisKeys.reservedExpiry(scopeId),
      BudgetRedisKeys.reservedTotal(scopeId),
      BudgetRedisKeys.requests(scopeId),
      BudgetRedisKeys.parallel(scopeId),
      BudgetRedisKeys.tokens(scopeId, minute),
    ];
    // what calls in flight leave (as the ingress's admission script writes them)
    await ledger.redis.hset(BudgetRedisKeys.reserved(scopeId), { 'call-1': '0.5' });
    await ledger.redis.zadd(BudgetRedisKeys.reservedExpiry(scopeId), Date.now() + 60_000, 'call-1');
    await ledger.redis.set(BudgetRedisKeys.reservedTotal(scopeId), '0.5');
    await ledger.redis.zadd(BudgetRedisKeys.requests(scopeId), Date.now(), 'call-1');
    await ledger.redis.zadd(BudgetRedisKeys.parallel(scopeId), Date.now() + 60_000, 'call-1');
    await ledger.redis.set(BudgetRedisKeys.tokens(scopeId, minute), '100');
    expect(await ledger.redis.exists(...keys)).toBe(keys.length);

    await org({ op: 'tag.delete', body: { name: 'leaves-nothing' } });
    expect(await ledger.redis.exists(...keys)).toBe(0);
  });
});
