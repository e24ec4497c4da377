import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { encodeJson, UsagePublisher } from '@switchyard/bus';
import { Consumers, Streams, Subjects, type UsageEvent } from '@switchyard/contracts';
import {
  eventually,
  type LedgerHarness,
  makeUsageEvent,
  startLedgerHarness,
  type TestFleet,
  TEST_USAGE_STREAM_LIMITS,
} from '@switchyard/testing';

async function rowCount(fleet: TestFleet): Promise<number> {
  try {
    const [row] = await fleet.database.query<{ count: string }>('SELECT count(*) FROM usage_events');
    return Number(row.count);
  } catch {
    return 0; // the ledger has not created the table yet
  }
}

async function waitForRows(fleet: TestFleet, expected: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let count = await rowCount(fleet);
  while (count < expected && Date.now() < deadline) {
    await sleep(200);
    count = await rowCount(fleet);
  }
  return count;
}

describe('usage ingestion (ledger)', () => {
  let ledger: LedgerHarness;

  beforeAll(async () => {
    ledger = await startLedgerHarness();
  });

  afterAll(() => ledger?.stop());

  it('stores 1,000 events published with 100 duplicates as exactly 1,000 rows, through a SIGKILL of the ledger', async () => {
    const events: UsageEvent[] = Array.from({ length: 1000 }, () => makeUsageEvent());
    const publisher = new UsagePublisher(ledger.connection, ledger.namespace);
    const jetstream = ledger.connection.jetstream();

    // publish at a steady pace and SIGKILL the ledger while it is writing them
    const publishing = (async () => {
      for (let index = 0; index < events.length; index += 50) {
        for (const event of events.slice(index, index + 50)) publisher.publish(event);
        await sleep(60);
      }
    })();
    let seenBeforeKill = await rowCount(ledger.fleet);
    while (seenBeforeKill < 200) {
      await sleep(20);
      seenBeforeKill = await rowCount(ledger.fleet);
    }
    await ledger.fleet.fleet.stopService('ledger', 'SIGKILL');
    expect(seenBeforeKill).toBeLessThan(1000);
    await publishing;
    // 50 duplicates the stream itself drops (same message id) …
    for (const event of events.slice(0, 50)) publisher.publish(event);
    // … and 50 that reach the ledger (no message id), which its primary key must ignore
    for (const event of events.slice(500, 550)) {
      await jetstream.publish(ledger.namespace.subject(Subjects.usage(event.provider)), encodeJson(event));
    }
    expect(await publisher.flush()).toBe(true);

    await ledger.fleet.fleet.startService(ledger.fleet.spec('ledger'));
    const count = await waitForRows(ledger.fleet, 1000, 60_000);
    await sleep(1500); // redeliveries that arrive late must not add rows
    expect(count).toBe(1000);
    expect(await rowCount(ledger.fleet)).toBe(1000);

    const [totals] = await ledger.fleet.database.query<{ distinct_ids: string; cost: string }>(
      'SELECT count(DISTINCT event_id) AS distinct_ids, sum(cost_usd) AS cost FROM usage_events',
    );
    expect(Number(totals.distinct_ids)).toBe(1000);
    const expectedCost = events.reduce((sum, event) => sum + (event.costUsd ?? 0), 0);
    expect(Number(totals.cost)).toBeCloseTo(expectedCost, 9);
  });

  it('exports how full each usage stream is against its max_bytes (the UsageUnreadNearStreamLimit alert reads it)', async () => {
    const [metrics] = ledger.fleet.metricsEndpoints().filter((endpoint) => endpoint.service === 'ledger');
    const text = await eventually(
      async () => (await fetch(metrics.url)).text(),
      (body) => /switchyard_usage_stream_max_bytes\{[^}]*stream="usage_dead"[^}]*\} \d+/.test(body),
    );
    // the test fleet's configured limits (USAGE_STREAM_MAX_BYTES, USAGE_DEAD_LETTER_STREAM_MAX_BYTES)
    expect(text).toMatch(
      new RegExp(
        `switchyard_usage_stream_max_bytes\\{[^}]*stream="usage"[^}]*\\} ${TEST_USAGE_STREAM_LIMITS.usageMaxBytes}\\b`,
      ),
    );
    expect(text).toMatch(
      new RegExp(
        `switchyard_usage_stream_max_bytes\\{[^}]*stream="usage_dead"[^}]*\\} ${TEST_USAGE_STREAM_LIMITS.deadLetterMaxBytes}\\b`,
      ),
    );
    expect(text).toMatch(/switchyard_usage_stream_bytes\{[^}]*stream="usage"[^}]*\} [1-9]\d*/);
  });

  it('sends a message that is not a usage event to the dead-letter stream and keeps going', async () => {
    const before = await rowCount(ledger.fleet);
    const jetstream = ledger.connection.jetstream();
    await jetstream.publish(
      ledger.namespace.subject(Subjects.usage('openai')),
      Buffer.from('{"not":"a usage event"}'),
    );
    const good = makeUsageEvent();
    await jetstream.publish(ledger.namespace.subject(Subjects.usage(good.provider)), encodeJson(good), {
      msgID: good.eventId,
    });
    expect(await waitForRows(ledger.fleet, before + 1, 20_000)).toBe(before + 1);

    const manager = await ledger.connection.jetstreamManager();
    const deadLetters = await manager.streams.info(ledger.namespace.name('USAGE_DEAD'));
    expect(deadLetters.state.messages).toBe(1);
    const [metrics] = ledger.fleet.metricsEndpoints().filter((endpoint) => endpoint.service === 'ledger');
    const text = await (await fetch(metrics.url)).text();
    expect(text).toMatch(/switchyard_ledger_events_total\{[^}]*result="dead_letter"[^}]*\} 1\b/);
    const [row] = await ledger.fleet.database.query<{ event_id: string }>(
      'SELECT event_id FROM usage_events WHERE event_id = $1',
      [good.eventId],
    );
    expect(row.event_id).toBe(good.eventId);
  });

  it('stores the readable events of a batch and dead-letters only the unreadable one', async () => {
    const before = await rowCount(ledger.fleet);
    const manager = await ledger.connection.jetstreamManager();
    const deadBefore = (await manager.streams.info(ledger.namespace.name('USAGE_DEAD'))).state.messages;
    const good = [makeUsageEvent(), makeUsageEvent()];
    const batch = { batchId: randomUUID(), events: [good[0], { eventId: 'not-an-event' }, good[1]] };
    await ledger.connection
      .jetstream()
      .publish(ledger.namespace.subject(Subjects.usage('opencodego')), encodeJson(batch), {
        msgID: batch.batchId,
      });
    expect(await waitForRows(ledger.fleet, before + 2, 20_000)).toBe(before + 2);
    const rows = await ledger.fleet.database.query<{ event_id: string }>(
      'SELECT event_id FROM usage_events WHERE event_id = ANY($1::uuid[])',
      [good.map((event) => event.eventId)],
    );
    expect(rows).toHaveLength(2);
    const deadAfter = await eventually(
      async () => (await manager.streams.info(ledger.namespace.name('USAGE_DEAD'))).state.messages,
      (count) => count === deadBefore + 1,
    );
    expect(deadAfter).toBe(deadBefore + 1);
    const deadLetter = await manager.streams.getMessage(ledger.namespace.name('USAGE_DEAD'), {
      last_by_subj: ledger.namespace.subject(Subjects.usageDeadLetter),
    });
    expect(deadLetter.header.get('x-dead-letter-reason')).toContain('events[1]');
    expect(JSON.parse(Buffer.from(deadLetter.data).toString('utf8'))).toEqual({ eventId: 'not-an-event' });
  });

  async function deadLetterCount(): Promise<number> {
    const manager = await ledger.connection.jetstreamManager();
    return (await manager.streams.info(ledger.namespace.name('USAGE_DEAD'))).state.messages;
  }

  async function lastDeadLetter(eventId: string) {
    const manager = await ledger.connection.jetstreamManager();
    return eventually(
      () =>
        manager.streams.getMessage(ledger.namespace.name('USAGE_DEAD'), {
          last_by_subj: ledger.namespace.subject(Subjects.usageDeadLetter),
        }),
      (message) =>
        message.seq > 0 &&
        (JSON.parse(Buffer.from(message.data).toString('utf8')) as UsageEvent).eventId === eventId,
    );
  }

  /** A virtual key row to charge (the ledger only charges keys it knows). */
  async function createKey(): Promise<string> {
    const keyId = `key-${randomUUID()}`;
    await ledger.fleet.database.query(
      `INSERT INTO virtual_keys (key_id, key_hash, key_name, max_budget, created_at, updated_at)
       VALUES ($1, $2, 'sk-...test', 10, now(), now())`,
      [keyId, randomUUID().replace(/-/g, '').repeat(2)],
    );
    return keyId;
  }

  async function keySpend(keyId: string): Promise<number> {
    const [row] = await ledger.fleet.database.query<{ spend: string | null }>(
      'SELECT sum(spend_usd) AS spend FROM key_spend WHERE key_id = $1',
      [keyId],
    );
    return Number(row.spend ?? 0);
  }

  it('stores NUL and lone surrogates in user, metadata (values and keys) and any text field as U+FFFD, charges the key, dead-letters nothing', async () => {
    const before = await rowCount(ledger.fleet);
    const deadBefore = await deadLetterCount();
    const keyId = await createKey();
    const good = Array.from({ length: 4 }, () => makeUsageEvent({ keyId }));
    const poisoned = [
      makeUsageEvent({ keyId, user: 'nul \u0000 inside', metadata: { note: 'nul \u0000 inside' } }),
      makeUsageEvent({
        keyId,
        user: 'lone \ud800',
        metadata: { 'key \udfff': ['\ud800', { deep: 'x\u0000' }] },
      }),
      makeUsageEvent({ keyId, errorType: 'e\u0000', sessionId: 's\udc00', modelGroup: 'm\u0000' }),
    ];
    const publisher = new UsagePublisher(ledger.connection, ledger.namespace);
    for (const event of [...good.slice(0, 2), ...poisoned, ...good.slice(2)]) publisher.publish(event);
    expect(await publisher.flush()).toBe(true);

    expect(await waitForRows(ledger.fleet, before + 7, 20_000)).toBe(before + 7);
    const rows = await ledger.fleet.database.query<{
      end_user: string | null;
      metadata: unknown;
      error_type: string | null;
    }>(
      'SELECT end_user, metadata, error_type FROM usage_events WHERE event_id = ANY($1::uuid[]) ORDER BY started_at',
      [poisoned.map((event) => event.eventId)],
    );
    expect(rows.map((row) => row.end_user).sort()).toEqual([null, 'lone \uFFFD', 'nul \uFFFD inside'].sort());
    expect(rows.map((row) => row.metadata)).toEqual(
      expect.arrayContaining([
        { note: 'nul \uFFFD inside' },
        { 'key \uFFFD': ['\uFFFD', { deep: 'x\uFFFD' }] },
      ]),
    );
    const expectedCost = [...good, ...poisoned].reduce((sum, event) => sum + (event.costUsd ?? 0), 0);
    expect(await keySpend(keyId)).toBeCloseTo(expectedCost, 9);
    await sleep(1000); // nothing is dead-lettered or redelivered
    expect(await deadLetterCount()).toBe(deadBefore);
    expect(await rowCount(ledger.fleet)).toBe(before + 7);
  });

  it('stores an event Postgres refuses (a token count beyond int4) as its minimal row, charged to its key, and dead-letters the original', async () => {
    const before = await rowCount(ledger.fleet);
    const deadBefore = await deadLetterCount();
    const keyId = await createKey();
    const good = Array.from({ length: 3 }, () => makeUsageEvent({ keyId }));
    const refused = makeUsageEvent({
      keyId,
      user: 'someone',
      metadata: { team: 'a' },
      tokens: {
        input: { total: 3_000_000_000, noCache: 3_000_000_000, cacheRead: 0, cacheWrite: 0 },
        output: { total: 10, reasoning: 0 },
      },
      costUsd: 0.5,
    });
    const publisher = new UsagePublisher(ledger.connection, ledger.namespace);
    for (const event of [good[0], refused, ...good.slice(1)]) publisher.publish(event);
    expect(await publisher.flush()).toBe(true);

    expect(await waitForRows(ledger.fleet, before + 4, 20_000)).toBe(before + 4);
    const [row] = await ledger.fleet.database.query<{
      cost_usd: string;
      input_tokens: number;
      end_user: string | null;
      metadata: Record<string, string>;
    }>('SELECT cost_usd, input_tokens, end_user, metadata FROM usage_events WHERE event_id = $1', [
      refused.eventId,
    ]);
    expect(Number(row.cost_usd)).toBe(0.5);
    expect(row.input_tokens).toBe(2_147_483_647);
    expect(row.end_user).toBeNull();
    expect(row.metadata.ledger_minimal_row).toContain('refused by the database');
    const expectedCost = [...good, refused].reduce((sum, event) => sum + (event.costUsd ?? 0), 0);
    expect(await keySpend(keyId)).toBeCloseTo(expectedCost, 9);

    const deadLetter = await lastDeadLetter(refused.eventId);
    expect(deadLetter.header.get('x-dead-letter-reason')).toContain('stored as a minimal row');
    expect(JSON.parse(Buffer.from(deadLetter.data).toString('utf8'))).toEqual(refused);
    expect(await deadLetterCount()).toBe(deadBefore + 1);
    await sleep(1000); // and it is not redelivered
    expect(await rowCount(ledger.fleet)).toBe(before + 4);
  });

  it('charges an event the ledger cannot read (a status from a newer producer) as its minimal row, and dead-letters it', async () => {
    const before = await rowCount(ledger.fleet);
    const keyId = await createKey();
    const unreadable = { ...makeUsageEvent({ keyId, costUsd: 0.25 }), status: 'paused_by_a_newer_producer' };
    const batch = { batchId: randomUUID(), events: [unreadable] };
    await ledger.connection
      .jetstream()
      .publish(ledger.namespace.subject(Subjects.usage('openai')), encodeJson(batch), {
        msgID: batch.batchId,
      });

    expect(await waitForRows(ledger.fleet, before + 1, 20_000)).toBe(before + 1);
    const [row] = await ledger.fleet.database.query<{
      cost_usd: string;
      status: string;
      metadata: Record<string, string>;
    }>('SELECT cost_usd, status, metadata FROM usage_events WHERE event_id = $1', [unreadable.eventId]);
    expect(Number(row.cost_usd)).toBe(0.25);
    expect(row.status).toBe('error');
    expect(row.metadata.ledger_minimal_row).toContain('events[0].status');
    expect(await keySpend(keyId)).toBeCloseTo(0.25, 9);
    const deadLetter = await lastDeadLetter(unreadable.eventId);
    expect(deadLetter.header.get('x-dead-letter-reason')).toContain('stored as a minimal row');
  });

  it('stores a routing-log record from the USAGE stream and dead-letters one it cannot read, without stopping', async () => {
    const jetstream = ledger.connection.jetstream();
    const subject = ledger.namespace.subject(Subjects.routingLog);
    const deadBefore = await deadLetterCount();
    await jetstream.publish(subject, encodeJson({ kind: 'routed', requestId: 'no-decision' }));
    const requestId = `routing-log-${randomUUID()}`;
    const now = new Date().toISOString();
    await jetstream.publish(
      subject,
      encodeJson({
        kind: 'routed',
        requestId,
        at: now,
        expiresAt: now,
        router: 'r',
        tier: 'MEDIUM',
        score: 0.4,
        cause: 'learned',
        complexityTier: 'MEDIUM',
        model: 'm',
        dimensions: [],
        ask: 'explain this function',
        sessionId: null,
        keyId: null,
        teamId: null,
      }),
    );
    const rows = await eventually(
      () =>
        ledger.fleet.database.query<{ ask: string }>('SELECT ask FROM routed_asks WHERE request_id = $1', [
          requestId,
        ]),
      (found) => found.length === 1,
    );
    expect(rows).toEqual([{ ask: 'explain this function' }]);
    const manager = await ledger.connection.jetstreamManager();
    const deadLetter = await eventually(
      () =>
        manager.streams.getMessage(ledger.namespace.name('USAGE_DEAD'), {
          last_by_subj: ledger.namespace.subject(Subjects.usageDeadLetter),
        }),
      (message) => message.header.get('x-original-subject') === subject,
    );
    expect(deadLetter.header.get('x-dead-letter-reason')).toContain('not a routing-log record');
    expect(await deadLetterCount()).toBe(deadBefore + 1);
  });

  it('makes its durable consumer again when it is deleted, and stores what was published meanwhile', async () => {
    const publisher = new UsagePublisher(ledger.connection, ledger.namespace);
    const before = await rowCount(ledger.fleet);
    const first = makeUsageEvent();
    publisher.publish(first);
    expect(await publisher.flush()).toBe(true);
    expect(await waitForRows(ledger.fleet, before + 1, 30_000)).toBe(before + 1);

    const manager = await ledger.connection.jetstreamManager();
    const stream = ledger.namespace.name(Streams.usage.name);
    const durable = ledger.namespace.name(Consumers.ledger);
    await manager.consumers.delete(stream, durable);
    const meanwhile = Array.from({ length: 10 }, () => makeUsageEvent());
    for (const event of meanwhile) publisher.publish(event);
    expect(await publisher.flush()).toBe(true);

    expect(await waitForRows(ledger.fleet, before + 11, 30_000)).toBe(before + 11);
    expect((await manager.consumers.info(stream, durable)).config.durable_name).toBe(durable);
  });
});
