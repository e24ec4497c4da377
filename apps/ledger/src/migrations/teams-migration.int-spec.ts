import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { TestDatabase } from '@switchyard/testing';
import { ensureDatabase, migrate } from '../database/ledger-data-source';
import { MIGRATIONS } from './index';
import { CreateTeamsUsersTags1764300000000 } from './1764300000000-create-teams-users-tags';

describe(CreateTeamsUsersTags1764300000000.name, () => {
  const database = TestDatabase.plan();

  afterAll(() => database.drop());

  function dataSourceWith(migrations: readonly (typeof MIGRATIONS)[number][]): DataSource {
    return new DataSource({
      type: 'postgres',
      url: database.url,
      migrations: [...migrations],
      migrationsTableName: 'migrations',
      synchronize: false,
      logging: false,
    });
  }

  it('upgrades a database with keys, usage rows and rollups in place', async () => {
    await ensureDatabase(database.url);
    const before = await dataSourceWith(MIGRATIONS.slice(0, 4)).initialize();
    await migrate(before);
    const keyId = randomUUID();
    await before.query(
      `INSERT INTO virtual_keys (key_id, key_hash, key_name, user_id, created_at, updated_at)
       VALUES ($1, $2, 'sk-...test', 'ana', now(), now())`,
      [keyId, 'a'.repeat(64)],
    );
    const insertEvent = (key: string | null, cost: number, metadata: unknown, endUser: string | null) =>
      before.query(
        `INSERT INTO usage_events (event_id, request_id, attempt, retry, kind, status, http_status, endpoint,
           stream, started_at, model_group, model, provider, input_tokens, input_no_cache_tokens,
           input_cache_read_tokens, input_cache_write_tokens, output_tokens, output_reasoning_tokens,
           usage_estimated, cost_usd, latency_ms, key_id, end_user, metadata)
         VALUES ($1::uuid, $1::text, 0, 0, 'upstream', 'success', 200, 'chat', false, now(), 'm', 'm', 'openai',
           10, 10, 0, 0, 5, 0, false, $2, 1, $3, $4, $5)`,
        [randomUUID(), cost, key, endUser, JSON.stringify(metadata)],
      );
    await insertEvent(keyId, 0.5, { tags: ['ci', 'nightly'] }, 'customer-1');
    await insertEvent(keyId, 0.25, null, null);
    await insertEvent(null, 1, { tags: ['ci'] }, 'customer-1');
    await before.destroy();

    const after = await dataSourceWith(MIGRATIONS.slice(0, 5)).initialize();
    expect(await migrate(after)).toEqual([CreateTeamsUsersTags1764300000000.name]);
    const keys = await after.query(`SELECT team_id, tags FROM virtual_keys WHERE key_id = $1`, [keyId]);
    expect(keys).toEqual([{ team_id: null, tags: [] }]);
    const byUser = await after.query(
      `SELECT user_id, sum(cost_usd)::float8 AS cost FROM usage_daily_rollups GROUP BY user_id ORDER BY user_id`,
    );
    expect(byUser).toEqual([
      { user_id: '', cost: 1 },
      { user_id: 'ana', cost: 0.75 },
    ]);
    const byCustomer = await after.query(
      `SELECT end_user, sum(cost_usd)::float8 AS cost FROM usage_daily_rollups GROUP BY end_user ORDER BY end_user`,
    );
    expect(byCustomer).toEqual([
      { end_user: '', cost: 0.25 },
      { end_user: 'customer-1', cost: 1.5 },
    ]);
    const byTag = await after.query(
      `SELECT tag, sum(cost_usd)::float8 AS cost, sum(requests)::int AS requests FROM usage_daily_tag_rollups
       GROUP BY tag ORDER BY tag`,
    );
    expect(byTag).toEqual([
      { tag: 'ci', cost: 1.5, requests: 2 },
      { tag: 'nightly', cost: 0.5, requests: 1 },
    ]);
    await after.destroy();
  });
});
