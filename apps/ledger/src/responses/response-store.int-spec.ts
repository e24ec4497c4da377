import type { DataSource } from 'typeorm';
import type { StoredResponse } from '@switchyard/contracts';
import { TestDatabase } from '@switchyard/testing';
import { createLedgerDataSource, ensureDatabase, migrate } from '../database/ledger-data-source';
import { ResponseStore } from './response-store';

const OWNER = { kind: 'virtual' as const, keyId: 'key-owner' };
const MASTER = { kind: 'master' as const };

function stored(id: string, previousResponseId: string | null, createdAt = Date.now()): StoredResponse {
  return {
    id,
    keyId: OWNER.keyId,
    previousResponseId,
    createdAt,
    response: { id, object: 'response', output: [{ type: 'message', id: `msg_out_${id}` }] },
    inputItems: [{ type: 'message', id: `msg_in_${id}`, role: 'user' }],
  };
}

describe(ResponseStore.name, () => {
  const database = TestDatabase.plan();
  let dataSource: DataSource;

  beforeAll(async () => {
    await ensureDatabase(database.url);
    dataSource = await createLedgerDataSource(database.url, 2).initialize();
    await migrate(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database.drop();
  });

  it('expands a chain oldest first, only for a reader who may see every link', async () => {
    const sut = new ResponseStore(dataSource, 30);
    await sut.put(stored('resp_a', null));
    await sut.put(stored('resp_b', 'resp_a'));
    await sut.put(stored('resp_c', 'resp_b'));

    const chain = await sut.get('resp_c', OWNER, true);

    expect(chain.response?.id).toBe('resp_c');
    expect(chain.history.map((item) => item.id)).toEqual([
      'msg_in_resp_a',
      'msg_out_resp_a',
      'msg_in_resp_b',
      'msg_out_resp_b',
    ]);
    expect((await sut.get('resp_c', MASTER, false)).response?.id).toBe('resp_c');
    expect((await sut.get('resp_c', { kind: 'virtual', keyId: 'key-other' }, true)).response).toBeNull();
    expect(await sut.delete('resp_c', { kind: 'virtual', keyId: 'key-other' })).toBe(false);
    expect(await sut.delete('resp_c', OWNER)).toBe(true);
    expect((await sut.get('resp_c', OWNER, false)).response).toBeNull();
  });

  it('reads an expired response as missing and sweeps it away', async () => {
    const sut = new ResponseStore(dataSource, 1);
    await sut.put(stored('resp_old', null, Date.now() - 2 * 86_400_000));
    await sut.put(stored('resp_new', null));

    expect((await sut.get('resp_old', MASTER, false)).response).toBeNull();
    expect(await sut.sweep()).toBeGreaterThanOrEqual(1);
    const left = await database.query<{ response_id: string }>(
      `SELECT response_id FROM stored_responses WHERE response_id IN ('resp_old', 'resp_new')`,
    );
    expect(left.map((row) => row.response_id)).toEqual(['resp_new']);
  });

  it('keeps responses without an expiry when the retention is 0', async () => {
    const sut = new ResponseStore(dataSource, 0);
    await sut.put(stored('resp_forever', null, Date.now() - 400 * 86_400_000));

    await sut.sweep();

    expect((await sut.get('resp_forever', OWNER, false)).response?.id).toBe('resp_forever');
  });

  it('stores a response without changing the commit mode of the pooled connections', async () => {
    const sut = new ResponseStore(dataSource, 30);
    // both pooled connections pass through a put, then read the setting back
    await Promise.all([sut.put(stored('resp_async_1', null)), sut.put(stored('resp_async_2', null))]);

    const settings = await Promise.all(
      [1, 2].map(() => dataSource.query<{ synchronous_commit: string }[]>('SHOW synchronous_commit')),
    );

    expect(settings.map((rows) => rows[0].synchronous_commit)).toEqual(['on', 'on']);
    expect((await sut.get('resp_async_1', OWNER, false)).response?.id).toBe('resp_async_1');
    const rows = await database.query<{ response_id: string }>(
      `SELECT response_id FROM stored_responses WHERE response_id LIKE 'resp_async_%' ORDER BY 1`,
    );
    expect(rows.map((row) => row.response_id)).toEqual(['resp_async_1', 'resp_async_2']);
  });
});
