import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { encodeJson, UsagePublisher } from '@switchyard/bus';
import {
  BudgetRedisKeys,
  keyBudgetWindow,
  Subjects,
  type UsageEvent,
  type VirtualKeyInfo,
} from '@switchyard/contracts';
import {
  eventually,
  type LedgerHarness,
  makeUsageEvent,
  startLedgerHarness,
  type TestFleet,
} from '@switchyard/testing';

const DISTINCT = 47_500;
const DUPLICATES = 2_500; // 5% of the 50,000 messages published
const CHUNK = 500;

function randomHash(): string {
  return randomBytes(32).toString('hex');
}

async function rowCount(fleet: TestFleet): Promise<number> {
  try {
    const [row] = await fleet.database.query<{ count: string }>('SELECT count(*) FROM usage_events');
    return Number(row.count);
  } catch {
    return 0; // the ledger has not created the table yet
  }
}

async function waitForRows(fleet: TestFleet, atLeast: number): Promise<void> {
  await eventually(
    () => rowCount(fleet),
    (count) => count >= atLeast,
    { timeoutMs: 120_000, description: `${atLeast} usage rows` },
  );
}

describe('ledger durability: 50,000 events through two SIGKILLs and a 10 s Postgres outage', () => {
  let ledger: LedgerHarness;

  beforeAll(async () => {
    ledger = await startLedgerHarness({ proxyDatabase: true, environment: { LOG_LEVEL: 'warn' } });
  });

  afterAll(() => ledger?.stop());

  async function generateKey(settings: {
    max_budget?: number;
    budget_duration?: string;
  }): Promise<VirtualKeyInfo> {
    return ledger.bus.request(
      Subjects.keysGenerate,
      { settings, keyHash: randomHash(), keyName: 'sk-...test' },
      { timeoutMs: 10_000 },
    );
  }

  it('stores exactly the distinct events, and rollups, key spend and Redis counters equal their costs', async () => {
    const monthly = await generateKey({ max_budget: 1000, budget_duration: '30d' });
    const lifetime = await generateKey({ max_budget: 1000 });
    const unbudgeted = await generateKey({});
    const keyIds = [monthly.key_id, lifetime.key_id, unbudgeted.key_id, null];

    const now = Date.now();
    const events: UsageEvent[] = Array.from({ length: DISTINCT }, (_, index) => {
      const keyId = keyIds[index % keyIds.length];
      const event = makeUsageEvent({
        keyId,
        // unkeyed events spread over three days, so rollups of several days are written
        startedAt: new Date(keyId === null ? now - (index % 3) * 86_400_000 : now).toISOString(),
      });
      if (index % 2 === 0 && event.costUsd !== null) {
        event.baselineCostUsd = Number((event.costUsd * 3).toFixed(12));
      }
      return event;
    });
    const duplicates = Array.from({ length: DUPLICATES }, (_, index) => events[(index * 19) % DISTINCT]);
    const messages = [...events.map((event) => ({ event, duplicate: false }))];
    duplicates.forEach((event, index) =>
      messages.splice(Math.min(messages.length, (index + 1) * 19), 0, { event, duplicate: true }),
    );
    expect(messages).toHaveLength(50_000);

    const publisher = new UsagePublisher(ledger.connection, ledger.namespace);
    const jetstream = ledger.connection.jetstream();
    const publishing = (async () => {
      for (let index = 0; index < messages.length; index += CHUNK) {
        const chunk = messages.slice(index, index + CHUNK);
        for (const { event, duplicate } of chunk) {
          if (!duplicate) publisher.publish(event);
          // a duplicate the stream cannot recognise (no message id): the ledger must ignore it
          else
            await jetstream.publish(
              ledger.namespace.subject(Subjects.usage(event.provider)),
              encodeJson(event),
            );
        }
        await sleep(150);
      }
      expect(await publisher.flush(60_000)).toBe(true);
    })();

    const ledgerService = ledger.fleet.spec('ledger');
    await waitForRows(ledger.fleet, 5_000);
    await ledger.fleet.fleet.stopService('ledger', 'SIGKILL');
    await sleep(500);
    await ledger.fleet.fleet.startService(ledgerService);

    await waitForRows(ledger.fleet, 15_000);
    ledger.fleet.databaseProxy!.cut();
    await sleep(500); // a commit already on its way may still land
    const duringOutage = await rowCount(ledger.fleet);
    await sleep(9_500);
    expect(await rowCount(ledger.fleet)).toBe(duringOutage); // nothing reached Postgres while it was cut off
    expect(ledger.fleet.logs.some((line) => /usage events failed .*retrying/.test(line))).toBe(true);
    ledger.fleet.databaseProxy!.restore();

    await waitForRows(ledger.fleet, 30_000);
    await ledger.fleet.fleet.stopService('ledger', 'SIGKILL');
    await sleep(500);
    await ledger.fleet.fleet.startService(ledgerService);

    await publishing;
    await waitForRows(ledger.fleet, DISTINCT);
    await sleep(2000); // late redeliveries must not add anything
    expect(await rowCount(ledger.fleet)).toBe(DISTINCT);

    const expectedCost = (keyId: string | null | undefined) =>
      events
        .filter((event) => keyId === undefined || event.keyId === keyId)
        .reduce((sum, event) => sum + (event.costUsd ?? 0), 0);

    const [stored] = await ledger.fleet.database.query<{ distinct_ids: string; cost: string }>(
      'SELECT count(DISTINCT event_id) AS distinct_ids, sum(cost_usd)::text AS cost FROM usage_events',
    );
    expect(Number(stored.distinct_ids)).toBe(DISTINCT);
    expect(Number(stored.cost)).toBeCloseTo(expectedCost(undefined), 8);

    // the daily rollups sum exactly what the rows hold
    const [rollups] = await ledger.fleet.database.query<{
      requests: string;
      cost_exact: boolean;
      baseline_exact: boolean;
    }>(
      `SELECT (SELECT sum(requests) FROM usage_daily_rollups)::text AS requests,
         (SELECT sum(cost_usd) FROM usage_daily_rollups) = (SELECT sum(cost_usd) FROM usage_events) AS cost_exact,
         (SELECT sum(baseline_cost_usd) FROM usage_daily_rollups)
           = (SELECT sum(baseline_cost_usd) FROM usage_events WHERE cost_usd IS NOT NULL) AS baseline_exact`,
    );
    expect(Number(rollups.requests)).toBe(DISTINCT);
    expect(rollups.cost_exact).toBe(true);
    expect(rollups.baseline_exact).toBe(true);
    const days = await ledger.fleet.database.query('SELECT DISTINCT day FROM usage_daily_rollups');
    expect(days.length).toBeGreaterThanOrEqual(3);

    for (const key of [monthly, lifetime, unbudgeted]) {
      // the key's window spend in Postgres is exactly the sum of its rows …
      const [spend] = await ledger.fleet.database.query<{ exact: boolean; spend: string }>(
        `SELECT (SELECT sum(spend_usd) FROM key_spend WHERE key_id = $1)
                  = (SELECT sum(cost_usd) FROM usage_events WHERE key_id = $1) AS exact,
                (SELECT sum(spend_usd) FROM key_spend WHERE key_id = $1)::text AS spend`,
        [key.key_id],
      );
      expect(spend.exact).toBe(true);
      expect(Number(spend.spend)).toBeCloseTo(expectedCost(key.key_id), 8);
      // … the key API reports it …
      const info = await ledger.bus.request(Subjects.keysInfo, { ref: { by: 'id', value: key.key_id } });
      expect(info.spend).toBeCloseTo(expectedCost(key.key_id), 8);
      expect(info.total_spend).toBeCloseTo(expectedCost(key.key_id), 8);
    }
    // … and the Redis counters the ingress checks budgets against hold the same totals
    for (const key of [monthly, lifetime]) {
      const counter = BudgetRedisKeys.spend(
        key.key_id,
        keyBudgetWindow(key.created_at, key.budget_duration, Date.now()),
      );
      await eventually(
        async () => Number(await ledger.redis.get(counter)),
        (value) => Math.abs(value - expectedCost(key.key_id)) < 1e-8,
        { timeoutMs: 10_000, description: `the Redis spend counter of ${key.key_id}` },
      );
    }
  });

  it('rebuilds the spend counters from Postgres when it starts', async () => {
    const keys = await ledger.bus.request(Subjects.keysList, {
      page: 1,
      size: 10,
      userId: null,
      keyAlias: null,
    });
    const budgeted = keys.keys.filter((key) => key.max_budget !== null);
    expect(budgeted).toHaveLength(2);
    const counters = budgeted.map((key) =>
      BudgetRedisKeys.spend(key.key_id, keyBudgetWindow(key.created_at, key.budget_duration, Date.now())),
    );
    await ledger.fleet.fleet.stopService('ledger');
    await ledger.redis.del(...counters);
    expect(await ledger.redis.exists(...counters)).toBe(0);

    await ledger.fleet.fleet.startService(ledger.fleet.spec('ledger'));
    for (const [index, key] of budgeted.entries()) {
      expect(Number(await ledger.redis.get(counters[index]))).toBeCloseTo(key.spend, 8);
    }
  });
});
