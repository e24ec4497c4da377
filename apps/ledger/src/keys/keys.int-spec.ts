import { randomBytes } from 'node:crypto';
import { decodeJson, unwrapNestEvent, UsagePublisher } from '@switchyard/bus';
import {
  BudgetRedisKeys,
  GatewayError,
  keyBudgetWindow,
  type KeySettings,
  type KeysChanged,
  Subjects,
  type UsageEvent,
} from '@switchyard/contracts';
import { eventually, type LedgerHarness, makeUsageEvent, startLedgerHarness } from '@switchyard/testing';

const randomHash = () => randomBytes(32).toString('hex');

describe('the key API of the ledger (keys.*.v1)', () => {
  let ledger: LedgerHarness;
  const changes: KeysChanged[] = [];

  beforeAll(async () => {
    ledger = await startLedgerHarness();
    ledger.connection.subscribe(ledger.namespace.subject(Subjects.keysChanged), {
      callback: (_error, message) => changes.push(unwrapNestEvent(decodeJson(message.data)) as KeysChanged),
    });
  });

  afterAll(() => ledger?.stop());

  const generate = (settings: KeySettings, keyHash = randomHash()) =>
    ledger.bus.request(Subjects.keysGenerate, { settings, keyHash, keyName: 'sk-...abcd' });

  it('stores a key with its settings, computing the expiry from duration', async () => {
    const before = Date.now();
    const key = await generate({
      models: ['gpt-5.4-mini'],
      max_budget: 12.5,
      budget_duration: '30d',
      rpm_limit: 10,
      tpm_limit: 1000,
      max_parallel_requests: 2,
      duration: '1h',
      key_alias: 'ledger-test',
      user_id: 'u1',
      metadata: { team: 'x' },
    });
    expect(key).toMatchObject({
      models: ['gpt-5.4-mini'],
      max_budget: 12.5,
      budget_duration: '30d',
      rpm_limit: 10,
      tpm_limit: 1000,
      max_parallel_requests: 2,
      key_alias: 'ledger-test',
      user_id: 'u1',
      metadata: { team: 'x' },
      blocked: false,
      spend: 0,
      total_spend: 0,
    });
    expect(Date.parse(key.expires!) - before).toBeGreaterThanOrEqual(3_600_000 - 1000);
    expect(Date.parse(key.budget_reset_at!)).toBe(Date.parse(key.created_at) + 30 * 86_400_000);
    expect((await ledger.bus.request(Subjects.keysLookup, { keyHash: key.token })).key?.key_id).toBe(
      key.key_id,
    );
    expect((await ledger.bus.request(Subjects.keysLookup, { keyHash: randomHash() })).key).toBeNull();
  });

  it('answers conflicts, unknown keys and invalid messages with typed errors', async () => {
    await generate({ key_alias: 'taken' });
    await expect(generate({ key_alias: 'taken' })).rejects.toMatchObject({
      status: 409,
      code: 'key_alias_taken',
    });
    await expect(
      ledger.bus.request(Subjects.keysInfo, { ref: { by: 'alias', value: 'nobody' } }),
    ).rejects.toMatchObject({
      status: 404,
      code: 'key_not_found',
    });
    const invalid = await ledger.bus
      .request(Subjects.keysGenerate, { settings: {}, keyHash: 'sk-not-a-hash', keyName: 'x' })
      .catch((error: unknown) => error);
    expect(invalid).toBeInstanceOf(GatewayError);
    expect(invalid).toMatchObject({ status: 400, code: 'invalid_bus_message' });
    const rows = await ledger.fleet.database.query('SELECT 1 FROM virtual_keys WHERE key_hash = $1', [
      'sk-not-a-hash',
    ]);
    expect(rows).toEqual([]);
  });

  it('announces every update, regeneration and deletion with the old hash', async () => {
    const key = await generate({});
    await ledger.bus.request(Subjects.keysUpdate, {
      ref: { by: 'id', value: key.key_id },
      settings: { blocked: true },
    });
    const newHash = randomHash();
    const regenerated = await ledger.bus.request(Subjects.keysRegenerate, {
      ref: { by: 'hash', value: key.token },
      settings: {},
      keyHash: newHash,
      keyName: 'sk-...wxyz',
    });
    expect(regenerated).toMatchObject({
      key_id: key.key_id,
      token: newHash,
      key_name: 'sk-...wxyz',
      blocked: true,
    });
    await ledger.bus.request(Subjects.keysDelete, { refs: [{ by: 'hash', value: newHash }] });
    await eventually(
      async () => changes.filter((change) => change.keyHash === key.token || change.keyHash === newHash),
      (seen) => seen.length === 3,
    );
    expect(changes.filter((change) => change.keyHash === key.token || change.keyHash === newHash)).toEqual([
      { keyHash: key.token, reason: 'blocked' },
      { keyHash: key.token, reason: 'regenerated' },
      { keyHash: newHash, reason: 'deleted' },
    ]);
    expect((await ledger.bus.request(Subjects.keysLookup, { keyHash: newHash })).key).toBeNull();
  });

  it('deletes all named keys or none', async () => {
    const key = await generate({});
    await expect(
      ledger.bus.request(Subjects.keysDelete, {
        refs: [
          { by: 'id', value: key.key_id },
          { by: 'id', value: 'missing' },
        ],
      }),
    ).rejects.toMatchObject({ status: 404 });
    expect((await ledger.bus.request(Subjects.keysLookup, { keyHash: key.token })).key).not.toBeNull();
  });

  it('recounts the current window from the usage rows when the budget duration changes', async () => {
    const key = await generate({ max_budget: 100 });
    const created = Date.parse(key.created_at);
    const recent: UsageEvent[] = Array.from({ length: 3 }, () =>
      makeUsageEvent({ keyId: key.key_id, startedAt: new Date(created + 60_000).toISOString() }),
    );
    const older: UsageEvent[] = Array.from({ length: 2 }, () =>
      makeUsageEvent({ keyId: key.key_id, startedAt: new Date(created - 2 * 3_600_000).toISOString() }),
    );
    const publisher = new UsagePublisher(ledger.connection, ledger.namespace);
    for (const event of [...recent, ...older]) publisher.publish(event);
    expect(await publisher.flush()).toBe(true);
    const sum = (events: UsageEvent[]) => events.reduce((total, event) => total + (event.costUsd ?? 0), 0);

    const allTime = await eventually(
      () => ledger.bus.request(Subjects.keysInfo, { ref: { by: 'id', value: key.key_id } }),
      (info) => Math.abs(info.spend - sum([...recent, ...older])) < 1e-9,
      { description: 'the all-time spend of the key' },
    );
    expect(allTime.budget_reset_at).toBeNull();

    const hourly = await ledger.bus.request(Subjects.keysUpdate, {
      ref: { by: 'id', value: key.key_id },
      settings: { budget_duration: '1h' },
    });
    expect(hourly.spend).toBeCloseTo(sum(recent), 9);
    expect(hourly.total_spend).toBeCloseTo(sum([...recent, ...older]), 9);
    const window = keyBudgetWindow(hourly.created_at, '1h', Date.now());
    expect(Number(await ledger.redis.get(BudgetRedisKeys.spend(key.key_id, window)))).toBeCloseTo(
      sum(recent),
      9,
    );
  });

  it('releases at start a settled reservation whose event it counted before a crash lost the release', async () => {
    const key = await generate({ max_budget: 10 });
    const counted = makeUsageEvent({ keyId: key.key_id, costUsd: 0.3 });
    const publisher = new UsagePublisher(ledger.connection, ledger.namespace);
    publisher.publish(counted);
    expect(await publisher.flush()).toBe(true);
    await eventually(
      () => ledger.bus.request(Subjects.keysInfo, { ref: { by: 'id', value: key.key_id } }),
      (info) => Math.abs(info.spend - 0.3) < 1e-9,
      { description: 'the counted event in the spend of the key' },
    );
    // SIGKILL between the commit and Redis: the call's settled cost stays reserved while also in spend
    await ledger.fleet.fleet.stopService('ledger', 'SIGKILL');
    const uncounted = makeUsageEvent({ keyId: key.key_id });
    await ledger.redis.hset(BudgetRedisKeys.reserved(key.key_id), {
      [counted.requestId]: `0.3|${counted.eventId}`,
      [uncounted.requestId]: `0.2|${uncounted.eventId}`,
    });
    await ledger.redis.set(BudgetRedisKeys.reservedTotal(key.key_id), '0.5');

    await ledger.fleet.fleet.startService(ledger.fleet.spec('ledger'));
    await eventually(
      () => ledger.redis.hgetall(BudgetRedisKeys.reserved(key.key_id)),
      (reserved) => !(counted.requestId in reserved),
      { timeoutMs: 30_000, description: 'the release of the counted reservation after the restart' },
    );
    // the event it has not counted keeps its cost reserved
    expect(await ledger.redis.hgetall(BudgetRedisKeys.reserved(key.key_id))).toEqual({
      [uncounted.requestId]: `0.2|${uncounted.eventId}`,
    });
    expect(Number(await ledger.redis.get(BudgetRedisKeys.reservedTotal(key.key_id)))).toBeCloseTo(0.2, 12);
  }, 120_000);

  it('lists keys newest first, one page at a time', async () => {
    const first = await ledger.bus.request(Subjects.keysList, {
      page: 1,
      size: 2,
      userId: null,
      keyAlias: null,
    });
    const second = await ledger.bus.request(Subjects.keysList, {
      page: 2,
      size: 2,
      userId: null,
      keyAlias: null,
    });
    expect(first.keys).toHaveLength(2);
    expect(first.total_count).toBe(second.total_count);
    expect(first.total_pages).toBe(Math.ceil(first.total_count / 2));
    expect(Date.parse(first.keys[0].created_at)).toBeGreaterThanOrEqual(Date.parse(first.keys[1].created_at));
    expect(second.keys.map((key) => key.key_id)).not.toContain(first.keys[0].key_id);
  });
});
