import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect, type NatsConnection } from 'nats';
import { BusNamespace, encodeJson, ensureUsageStreams, UsagePublisher } from '@switchyard/bus';
import { Subjects, type UsageEvent } from '@switchyard/contracts';
import { eventually, makeUsageEvent, TestFleet, testInfrastructure } from '@switchyard/testing';

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
  let fleet: TestFleet;
  let connection: NatsConnection;
  let namespace: BusNamespace;

  beforeAll(async () => {
    fleet = await TestFleet.start({ only: (spec) => spec.name === 'ledger' });
    namespace = new BusNamespace(fleet.namespace);
    connection = await connect({ servers: testInfrastructure().natsUrl });
    await ensureUsageStreams(await connection.jetstreamManager(), namespace);
  });

  afterAll(async () => {
    await connection?.drain();
    await fleet?.stop();
  });

  it('stores 1,000 events published with 100 duplicates as exactly 1,000 rows, through a SIGKILL of the ledger', async () => {
    const events: UsageEvent[] = Array.from({ length: 1000 }, () => makeUsageEvent());
    const publisher = new UsagePublisher(connection, namespace);
    const jetstream = connection.jetstream();

    // publish at a steady pace and SIGKILL the ledger while it is writing them
    const publishing = (async () => {
      for (let index = 0; index < events.length; index += 50) {
        for (const event of events.slice(index, index + 50)) publisher.publish(event);
        await sleep(60);
      }
    })();
    let seenBeforeKill = await rowCount(fleet);
    while (seenBeforeKill < 200) {
      await sleep(20);
      seenBeforeKill = await rowCount(fleet);
    }
    await fleet.fleet.stopService('ledger', 'SIGKILL');
    expect(seenBeforeKill).toBeLessThan(1000);
    await publishing;
    // 50 duplicates the stream itself drops (same message id) …
    for (const event of events.slice(0, 50)) publisher.publish(event);
    // … and 50 that reach the ledger (no message id), which its primary key must ignore
    for (const event of events.slice(500, 550)) {
      await jetstream.publish(namespace.subject(Subjects.usage(event.provider)), encodeJson(event));
    }
    expect(await publisher.flush()).toBe(true);

    await fleet.fleet.startService(fleet.spec('ledger'));
    const count = await waitForRows(fleet, 1000, 60_000);
    await sleep(1500); // redeliveries that arrive late must not add rows
    expect(count).toBe(1000);
    expect(await rowCount(fleet)).toBe(1000);

    const [totals] = await fleet.database.query<{ distinct_ids: string; cost: string }>(
      'SELECT count(DISTINCT event_id) AS distinct_ids, sum(cost_usd) AS cost FROM usage_events',
    );
    expect(Number(totals.distinct_ids)).toBe(1000);
    const expectedCost = events.reduce((sum, event) => sum + (event.costUsd ?? 0), 0);
    expect(Number(totals.cost)).toBeCloseTo(expectedCost, 9);
  });

  it('sends a message that is not a usage event to the dead-letter stream and keeps going', async () => {
    const before = await rowCount(fleet);
    const jetstream = connection.jetstream();
    await jetstream.publish(
      namespace.subject(Subjects.usage('openai')),
      Buffer.from('{"not":"a usage event"}'),
    );
    const good = makeUsageEvent();
    await jetstream.publish(namespace.subject(Subjects.usage(good.provider)), encodeJson(good), {
      msgID: good.eventId,
    });
    expect(await waitForRows(fleet, before + 1, 20_000)).toBe(before + 1);

    const manager = await connection.jetstreamManager();
    const deadLetters = await manager.streams.info(namespace.name('USAGE_DEAD'));
    expect(deadLetters.state.messages).toBe(1);
    const [metrics] = fleet.metricsEndpoints().filter((endpoint) => endpoint.service === 'ledger');
    const text = await (await fetch(metrics.url)).text();
    expect(text).toMatch(/switchyard_ledger_events_total\{[^}]*result="dead_letter"[^}]*\} 1\b/);
    const [row] = await fleet.database.query<{ event_id: string }>(
      'SELECT event_id FROM usage_events WHERE event_id = $1',
      [good.eventId],
    );
    expect(row.event_id).toBe(good.eventId);
  });

  it('stores the readable events of a batch and dead-letters only the unreadable one', async () => {
    const before = await rowCount(fleet);
    const manager = await connection.jetstreamManager();
    const deadBefore = (await manager.streams.info(namespace.name('USAGE_DEAD'))).state.messages;
    const good = [makeUsageEvent(), makeUsageEvent()];
    const batch = { batchId: randomUUID(), events: [good[0], { eventId: 'not-an-event' }, good[1]] };
    await connection
      .jetstream()
      .publish(namespace.subject(Subjects.usage('opencodego')), encodeJson(batch), { msgID: batch.batchId });
    expect(await waitForRows(fleet, before + 2, 20_000)).toBe(before + 2);
    const rows = await fleet.database.query<{ event_id: string }>(
      'SELECT event_id FROM usage_events WHERE event_id = ANY($1::uuid[])',
      [good.map((event) => event.eventId)],
    );
    expect(rows).toHaveLength(2);
    const deadAfter = await eventually(
      async () => (await manager.streams.info(namespace.name('USAGE_DEAD'))).state.messages,
      (count) => count === deadBefore + 1,
    );
    expect(deadAfter).toBe(deadBefore + 1);
    const deadLetter = await manager.streams.getMessage(namespace.name('USAGE_DEAD'), {
      last_by_subj: namespace.subject(Subjects.usageDeadLetter),
    });
    expect(deadLetter.header.get('x-dead-letter-reason')).toContain('events[1]');
    expect(JSON.parse(Buffer.from(deadLetter.data).toString('utf8'))).toEqual({ eventId: 'not-an-event' });
  });

  it('dead-letters an event Postgres refuses (a NUL character) and stores the rest of its batch', async () => {
    const before = await rowCount(fleet);
    const manager = await connection.jetstreamManager();
    const deadBefore = (await manager.streams.info(namespace.name('USAGE_DEAD'))).state.messages;
    const good = Array.from({ length: 5 }, () => makeUsageEvent());
    const poisoned = makeUsageEvent({ metadata: { note: 'nul \u0000 inside' } });
    const publisher = new UsagePublisher(connection, namespace);
    for (const event of [...good.slice(0, 2), poisoned, ...good.slice(2)]) publisher.publish(event);
    expect(await publisher.flush()).toBe(true);

    expect(await waitForRows(fleet, before + 5, 20_000)).toBe(before + 5);
    const deadLetter = await eventually(
      () =>
        manager.streams.getMessage(namespace.name('USAGE_DEAD'), {
          last_by_subj: namespace.subject(Subjects.usageDeadLetter),
        }),
      (message) =>
        message.seq > 0 &&
        (JSON.parse(Buffer.from(message.data).toString('utf8')) as UsageEvent).eventId === poisoned.eventId,
    );
    expect(deadLetter.header.get('x-dead-letter-reason')).toContain('refused by the database');
    expect((await manager.streams.info(namespace.name('USAGE_DEAD'))).state.messages).toBe(deadBefore + 1);
    await sleep(1000); // and it is not redelivered
    expect(await rowCount(fleet)).toBe(before + 5);
  });
});
