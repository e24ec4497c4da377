import type { MigrationInterface, QueryRunner } from 'typeorm';

/** the rows that count for router savings: both what they cost and their baseline are known. */
const PRICED_ROUTE = 'baseline_cost_usd IS NOT NULL AND cost_usd IS NOT NULL';

const SUMS = `count(*), count(*) FILTER (WHERE status = 'success'), count(*) FILTER (WHERE status <> 'success'),
  count(*) FILTER (WHERE kind = 'cache_hit'), count(*) FILTER (WHERE kind = 'refusal'),
  count(*) FILTER (WHERE cost_usd IS NULL),
  sum(input_tokens), sum(input_no_cache_tokens), sum(input_cache_read_tokens),
  sum(input_cache_write_tokens), sum(output_tokens), sum(output_reasoning_tokens),
  coalesce(sum(cost_usd), 0), coalesce(sum(saved_cost_usd), 0),
  count(*) FILTER (WHERE ${PRICED_ROUTE}),
  coalesce(sum(cost_usd) FILTER (WHERE ${PRICED_ROUTE}), 0),
  coalesce(sum(baseline_cost_usd) FILTER (WHERE ${PRICED_ROUTE}), 0)`;

const SUM_COLUMNS = `requests bigint NOT NULL, successes bigint NOT NULL, errors bigint NOT NULL,
  cache_hits bigint NOT NULL, refusals bigint NOT NULL, unpriced_requests bigint NOT NULL,
  input_tokens bigint NOT NULL, input_no_cache_tokens bigint NOT NULL,
  input_cache_read_tokens bigint NOT NULL, input_cache_write_tokens bigint NOT NULL,
  output_tokens bigint NOT NULL, output_reasoning_tokens bigint NOT NULL,
  cost_usd numeric(30, 12) NOT NULL, saved_cost_usd numeric(30, 12) NOT NULL,
  routed_requests bigint NOT NULL, routed_cost_usd numeric(30, 12) NOT NULL,
  baseline_cost_usd numeric(30, 12) NOT NULL`;

/**
 * Teams (with members and their roles), internal users and end users (customers); a key may belong
 * to a team and carry tags. Every usage row records its team, its key's internal user and its tags
 * (the request's, the key's and the team's), and the daily rollups are kept by team, internal user
 * and end user too, with a second rollup per tag. In place: keys keep working without a team, the
 * new usage columns are filled from the keys and the request metadata already stored, and the
 * rollups are rebuilt from the usage rows. Spend per team, user and customer budget window goes to
 * `key_spend` under the scope id (`team:<id>`, `user:<id>`, `customer:<id>`).
 */
export class CreateTeamsUsersTags1764300000000 implements MigrationInterface {
  name = 'CreateTeamsUsersTags1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE teams (
        team_id text PRIMARY KEY,
        team_alias text,
        models text[] NOT NULL DEFAULT '{}',
        max_budget numeric(24, 12),
        budget_duration text,
        rpm_limit integer,
        tpm_limit integer,
        max_parallel_requests integer,
        tags text[] NOT NULL DEFAULT '{}',
        metadata jsonb NOT NULL DEFAULT '{}',
        blocked boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX teams_team_alias ON teams (team_alias) WHERE team_alias IS NOT NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE internal_users (
        user_id text PRIMARY KEY,
        user_email text,
        user_alias text,
        models text[] NOT NULL DEFAULT '{}',
        max_budget numeric(24, 12),
        budget_duration text,
        metadata jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE team_members (
        team_id text NOT NULL REFERENCES teams (team_id) ON DELETE CASCADE,
        user_id text NOT NULL REFERENCES internal_users (user_id) ON DELETE CASCADE,
        role text NOT NULL CONSTRAINT team_members_role CHECK (role IN ('admin', 'member')),
        PRIMARY KEY (team_id, user_id)
      )`);
    await queryRunner.query(`CREATE INDEX team_members_user_id ON team_members (user_id)`);
    await queryRunner.query(`
      CREATE TABLE customers (
        user_id text PRIMARY KEY,
        alias text,
        max_budget numeric(24, 12),
        budget_duration text,
        blocked boolean NOT NULL DEFAULT false,
        metadata jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      ALTER TABLE virtual_keys
        ADD COLUMN team_id text REFERENCES teams (team_id),
        ADD COLUMN tags text[] NOT NULL DEFAULT '{}'`);
    await queryRunner.query(
      `CREATE INDEX virtual_keys_team_id ON virtual_keys (team_id) WHERE team_id IS NOT NULL`,
    );

    await queryRunner.query(`
      ALTER TABLE usage_events
        ADD COLUMN team_id text,
        ADD COLUMN user_id text,
        ADD COLUMN request_tags text[] NOT NULL DEFAULT '{}'`);
    await queryRunner.query(`
      UPDATE usage_events event SET user_id = key.user_id
      FROM virtual_keys key WHERE event.key_id = key.key_id AND key.user_id IS NOT NULL`);
    await queryRunner.query(`
      UPDATE usage_events SET request_tags = ARRAY(
        SELECT DISTINCT tag FROM jsonb_array_elements_text(metadata -> 'tags') AS tag ORDER BY tag)
      WHERE jsonb_typeof(metadata -> 'tags') = 'array'`);
    await queryRunner.query(
      `CREATE INDEX usage_events_team_started_at ON usage_events (team_id, started_at) WHERE team_id IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX usage_events_user_started_at ON usage_events (user_id, started_at) WHERE user_id IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX usage_events_end_user_started_at ON usage_events (end_user, started_at) WHERE end_user IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX usage_events_request_tags ON usage_events USING gin (request_tags)`,
    );

    await queryRunner.query(`
      ALTER TABLE usage_daily_rollups
        ADD COLUMN team_id text NOT NULL DEFAULT '',
        ADD COLUMN user_id text NOT NULL DEFAULT '',
        ADD COLUMN end_user text NOT NULL DEFAULT '',
        DROP CONSTRAINT usage_daily_rollups_pkey`);
    await queryRunner.query(`TRUNCATE usage_daily_rollups`);
    await queryRunner.query(`
      ALTER TABLE usage_daily_rollups
        ADD PRIMARY KEY (day, key_id, model, provider, router, tier, team_id, user_id, end_user)`);
    await queryRunner.query(`
      INSERT INTO usage_daily_rollups (day, key_id, model, provider, router, tier, team_id, user_id, end_user,
        requests, successes, errors, cache_hits, refusals, unpriced_requests, input_tokens,
        input_no_cache_tokens, input_cache_read_tokens, input_cache_write_tokens, output_tokens,
        output_reasoning_tokens, cost_usd, saved_cost_usd, routed_requests, routed_cost_usd, baseline_cost_usd)
      SELECT (started_at AT TIME ZONE 'UTC')::date, coalesce(key_id, ''), model, provider,
        coalesce(router, ''), coalesce(tier, ''), coalesce(team_id, ''), coalesce(user_id, ''),
        coalesce(end_user, ''), ${SUMS}
      FROM usage_events
      GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9`);
    await queryRunner.query(
      `CREATE INDEX usage_daily_rollups_team_day ON usage_daily_rollups (team_id, day) WHERE team_id <> ''`,
    );
    await queryRunner.query(`
      CREATE TABLE usage_daily_tag_rollups (
        day date NOT NULL,
        tag text NOT NULL,
        key_id text NOT NULL,
        model text NOT NULL,
        provider text NOT NULL,
        router text NOT NULL,
        tier text NOT NULL,
        team_id text NOT NULL,
        user_id text NOT NULL,
        end_user text NOT NULL,
        ${SUM_COLUMNS},
        PRIMARY KEY (day, tag, key_id, model, provider, router, tier, team_id, user_id, end_user)
      )`);
    await queryRunner.query(`
      INSERT INTO usage_daily_tag_rollups
      SELECT (started_at AT TIME ZONE 'UTC')::date, tag, coalesce(key_id, ''), model, provider,
        coalesce(router, ''), coalesce(tier, ''), coalesce(team_id, ''), coalesce(user_id, ''),
        coalesce(end_user, ''), ${SUMS}
      FROM usage_events CROSS JOIN LATERAL unnest(request_tags) AS tag
      GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE usage_daily_tag_rollups`);
    await queryRunner.query(`DROP INDEX usage_daily_rollups_team_day`);
    await queryRunner.query(`TRUNCATE usage_daily_rollups`);
    await queryRunner.query(`
      ALTER TABLE usage_daily_rollups DROP CONSTRAINT usage_daily_rollups_pkey,
        DROP COLUMN team_id, DROP COLUMN user_id, DROP COLUMN end_user`);
    await queryRunner.query(
      `ALTER TABLE usage_daily_rollups ADD PRIMARY KEY (day, key_id, model, provider, router, tier)`,
    );
    await queryRunner.query(`
      INSERT INTO usage_daily_rollups
      SELECT (started_at AT TIME ZONE 'UTC')::date, coalesce(key_id, ''), model, provider,
        coalesce(router, ''), coalesce(tier, ''), ${SUMS}
      FROM usage_events GROUP BY 1, 2, 3, 4, 5, 6`);
    await queryRunner.query(`
      ALTER TABLE usage_events DROP COLUMN team_id, DROP COLUMN user_id, DROP COLUMN request_tags`);
    await queryRunner.query(`ALTER TABLE virtual_keys DROP COLUMN team_id, DROP COLUMN tags`);
    await queryRunner.query(`DELETE FROM key_spend WHERE key_id LIKE 'team:%' OR key_id LIKE 'user:%'
      OR key_id LIKE 'customer:%'`);
    await queryRunner.query(`DROP TABLE customers`);
    await queryRunner.query(`DROP TABLE team_members`);
    await queryRunner.query(`DROP TABLE internal_users`);
    await queryRunner.query(`DROP TABLE teams`);
  }
}
