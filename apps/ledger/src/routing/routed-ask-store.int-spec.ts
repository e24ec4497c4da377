import type { DataSource } from 'typeorm';
import type { RoutedAsk, RoutedAsksMessage } from '@switchyard/contracts';
import { TestDatabase } from '@switchyard/testing';
import { createLedgerDataSource, ensureDatabase, migrate } from '../database/ledger-data-source';
import { RoutedAskStore } from './routed-ask-store';

const at = (seconds: number) => new Date(Date.UTC(2026, 11, 5, 12, 0, seconds)).toISOString();

function routedAsk(requestId: string, overrides: Partial<RoutedAsk> = {}): RoutedAsk {
  return {
    kind: 'routed',
    requestId,
    at: at(0),
    expiresAt: '2099-01-01T00:00:00.000Z',
    router: 'learned-router',
    tier: 'SIMPLE',
    score: 0.1,
    cause: 'learned',
    complexityTier: 'SIMPLE',
    model: 'cheap-model',
    dimensions: [{ name: 'feature:lead:rename', raw: 1.2, weight: 1.2, matched: ['rename'] }],
    ask: 'rename the constant HEARTBEAT_MS to HEARTBEAT_INTERVAL_MS',
    sessionId: null,
    keyId: 'key-1',
    teamId: null,
    ...overrides,
  };
}

const list = (overrides: Partial<Extract<RoutedAsksMessage, { op: 'list' }>> = {}) => ({
  op: 'list' as const,
  teams: null,
  router: null,
  tier: null,
  label: null,
  labelled: null,
  sessionId: null,
  start: null,
  end: null,
  limit: 100,
  cursor: null,
  ...overrides,
});

describe(RoutedAskStore.name, () => {
  const database = TestDatabase.plan();
  let dataSource: DataSource;
  let sut: RoutedAskStore;

  beforeAll(async () => {
    await ensureDatabase(database.url);
    dataSource = await createLedgerDataSource(database.url, 2).initialize();
    await migrate(dataSource);
    sut = new RoutedAskStore(dataSource);
  });

  beforeEach(() => dataSource.query('DELETE FROM routed_asks'));

  afterAll(async () => {
    await dataSource?.destroy();
    await database.drop();
  });

  it('stores a routed ask once, whatever the redeliveries', async () => {
    await sut.record(routedAsk('r1'));
    await sut.record(routedAsk('r1', { ask: 'a redelivery' }));
    const page = await sut.list(list());
    expect(page.data).toHaveLength(1);
    expect(page.data[0]).toMatchObject({
      request_id: 'r1',
      router: 'learned-router',
      tier: 'SIMPLE',
      cause: 'learned',
      ask: 'rename the constant HEARTBEAT_MS to HEARTBEAT_INTERVAL_MS',
      key_id: 'key-1',
      label: null,
      dimensions: [{ name: 'feature:lead:rename', raw: 1.2, weight: 1.2, matched: ['rename'] }],
    });
  });

  it('pages newest first with a keyset cursor and filters by tier, label and team', async () => {
    for (let index = 0; index < 5; index += 1) {
      await sut.record(
        routedAsk(`p${index}`, {
          tier: index % 2 === 0 ? 'SIMPLE' : 'COMPLEX',
          teamId: index < 2 ? 't1' : null,
        }),
      );
    }
    const first = await sut.list(list({ limit: 2 }));
    expect(first.data.map((row) => row.request_id)).toEqual(['p4', 'p3']);
    const second = await sut.list(list({ limit: 2, cursor: first.next_cursor }));
    expect(second.data.map((row) => row.request_id)).toEqual(['p2', 'p1']);
    const third = await sut.list(list({ limit: 2, cursor: second.next_cursor }));
    expect(third).toEqual({ data: [expect.objectContaining({ request_id: 'p0' })], next_cursor: null });

    expect((await sut.list(list({ tier: 'COMPLEX' }))).data.map((row) => row.request_id)).toEqual([
      'p3',
      'p1',
    ]);
    expect((await sut.list(list({ teams: ['t1'] }))).data.map((row) => row.request_id)).toEqual(['p1', 'p0']);

    const labelled = await sut.label({ op: 'label', teams: null, id: first.data[0].id, label: 'MEDIUM' });
    expect(labelled).toMatchObject({ request_id: 'p4', label: 'MEDIUM', label_source: 'owner' });
    expect(labelled.labelled_at).not.toBeNull();
    expect((await sut.list(list({ labelled: true }))).data.map((row) => row.request_id)).toEqual(['p4']);
    expect((await sut.list(list({ labelled: false }))).data).toHaveLength(4);
    expect((await sut.list(list({ label: 'MEDIUM' }))).data).toHaveLength(1);

    const cleared = await sut.label({ op: 'label', teams: null, id: first.data[0].id, label: null });
    expect(cleared).toMatchObject({ label: null, label_source: null, labelled_at: null });
  });

  it('pages in numeric id order across ids of different lengths (9, 10, …)', async () => {
    await dataSource.query(`SELECT setval('routed_asks_id_seq', 1, false)`);
    for (let index = 1; index <= 12; index += 1) await sut.record(routedAsk(`n${index}`));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<RoutedAskStore['list']>> = await sut.list(list({ limit: 5, cursor }));
      seen.push(...page.data.map((row) => row.id));
      cursor = page.next_cursor;
    } while (cursor !== null);
    expect(seen).toEqual(['12', '11', '10', '9', '8', '7', '6', '5', '4', '3', '2', '1']);
  });

  it("answers 404 for an ask that does not exist or is outside a team admin's teams", async () => {
    await sut.record(routedAsk('x1', { teamId: 't1' }));
    const [row] = (await sut.list(list())).data;
    await expect(
      sut.label({ op: 'label', teams: ['t2'], id: row.id, label: 'COMPLEX' }),
    ).rejects.toMatchObject({
      status: 404,
    });
    await expect(
      sut.label({ op: 'label', teams: null, id: '999999', label: 'COMPLEX' }),
    ).rejects.toMatchObject({
      status: 404,
    });
    await expect(sut.list(list({ cursor: 'abc' }))).rejects.toMatchObject({ status: 400 });
  });

  it('labels the earlier ask when the same session re-asks a similar ask on a higher tier model', async () => {
    await sut.record(routedAsk('s1', { sessionId: 'session-a', at: at(0) }));
    await sut.record({
      kind: 'explicit',
      requestId: 's2',
      at: at(30),
      model: 'strong-model',
      tiers: [{ router: 'learned-router', tier: 'REASONING' }],
      ask: 'Rename the constant HEARTBEAT_MS to HEARTBEAT_INTERVAL_MS please',
      sessionId: 'session-a',
      keyId: 'key-1',
    });
    const [row] = (await sut.list(list({ sessionId: 'session-a' }))).data;
    expect(row).toMatchObject({ request_id: 's1', label: 'REASONING', label_source: 'implicit' });
  });

  it('leaves the earlier ask alone for another ask, a lower tier, another key, an owner label, or too late', async () => {
    const explicit = (overrides: Record<string, unknown>) => ({
      kind: 'explicit' as const,
      requestId: `e-${JSON.stringify(overrides)}`,
      at: at(30),
      model: 'strong-model',
      tiers: [{ router: 'learned-router', tier: 'REASONING' as const }],
      ask: 'rename the constant HEARTBEAT_MS to HEARTBEAT_INTERVAL_MS',
      sessionId: 'session-b',
      keyId: 'key-1',
      ...overrides,
    });
    await sut.record(routedAsk('b1', { sessionId: 'session-b', tier: 'COMPLEX', complexityTier: 'COMPLEX' }));
    await sut.record(explicit({ ask: 'now write the release notes for the whole sprint' }));
    await sut.record(explicit({ tiers: [{ router: 'learned-router', tier: 'MEDIUM' }] }));
    await sut.record(explicit({ keyId: 'key-2' }));
    await sut.record(explicit({ at: new Date(Date.parse(at(0)) + 3600_000).toISOString() }));
    expect((await sut.list(list({ sessionId: 'session-b' }))).data[0].label).toBeNull();

    const [row] = (await sut.list(list({ sessionId: 'session-b' }))).data;
    await sut.label({ op: 'label', teams: null, id: row.id, label: 'MEDIUM' });
    await sut.record(explicit({}));
    expect((await sut.list(list({ sessionId: 'session-b' }))).data[0]).toMatchObject({
      label: 'MEDIUM',
      label_source: 'owner',
    });
  });

  it('deletes the asks past their retention and keeps the others', async () => {
    await sut.record(routedAsk('old', { expiresAt: '2020-01-01T00:00:00.000Z' }));
    await sut.record(routedAsk('new'));
    expect(await sut.sweep(new Date('2026-12-05T00:00:00Z'))).toBe(1);
    expect((await sut.list(list())).data.map((row) => row.request_id)).toEqual(['new']);
  });
});
