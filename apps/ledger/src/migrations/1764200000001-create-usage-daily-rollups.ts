import type { MigrationInterface, QueryRunner } from 'typeorm';

/** the rows that count for router savings: both what they cost and their baseline are known. */
const PRICED_ROUTE = 'baseline_cost_usd IS NOT NULL AND cost_usd IS NOT NULL';

/**
 * Daily sums of usage by key, model, provider, router and tier (empty string for none), updated in
 * the same statement that stores the events, so spend reports never scan the events. Filled from
 * the events already stored.
 */
export class CreateUsageDailyRollups1764200000001 implements MigrationInterface {
  name = 'CreateUsageDailyRollups1764200000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE usage_daily_rollups (
        day date NOT NULL,
        key_id text NOT NULL,
        model text NOT NULL,
        provider text NOT NULL,
        router text NOT NULL,
        tier text NOT NULL,
        requests bigint NOT NULL,
        successes bigint NOT NULL,
        errors bigint NOT NULL,
        cache_hits bigint NOT NULL,
        refusals bigint NOT NULL,
        unpriced_requests bigint NOT NULL,
        input_tokens bigint NOT NULL,
        input_no_cache_tokens bigint NOT NULL,
        input_cache_read_tokens bigint NOT NULL,
        input_cache_write_tokens bigint NOT NULL,
        output_tokens bigint NOT NULL,
        output_reasoning_tokens bigint NOT NULL,
        cost_usd numeric(30, 12) NOT NULL,
        saved_cost_usd numeric(30, 12) NOT NULL,
        -- routed rows with a known cost and baseline (the router's most expensive tier model)
        routed_requests bigint NOT NULL,
        routed_cost_usd numeric(30, 12) NOT NULL,
        baseline_cost_usd numeric(30, 12) NOT NULL,
        PRIMARY KEY (day, key_id, model, provider, router, tier)
      )`);
    await queryRunner.query(
      `CREATE INDEX usage_daily_rollups_key_day ON usage_daily_rollups (key_id, day) WHERE key_id <> ''`,
    );
    await queryRunner.query(`
      INSERT INTO usage_daily_rollups
      SELECT (started_at AT TIME ZONE 'UTC')::date, coalesce(key_id, ''), model, provider,
        coalesce(router, ''), coalesce(tier, ''),
        count(*), count(*) FILTER (WHERE status = 'success'), count(*) FILTER (WHERE status <> 'success'),
        count(*) FILTER (WHERE kind = 'cache_hit'), count(*) FILTER (WHERE kind = 'refusal'),
        count(*) FILTER (WHERE cost_usd IS NULL),
        sum(input_tokens), sum(input_no_cache_tokens), sum(input_cache_read_tokens),
        sum(input_cache_write_tokens), sum(output_tokens), sum(output_reasoning_tokens),
        coalesce(sum(cost_usd), 0), coalesce(sum(saved_cost_usd), 0),
        count(*) FILTER (WHERE ${PRICED_ROUTE}),
        coalesce(sum(cost_usd) FILTER (WHERE ${PRICED_ROUTE}), 0),
        coalesce(sum(baseline_cost_usd) FILTER (WHERE ${PRICED_ROUTE}), 0)
      FROM usage_events
      GROUP BY 1, 2, 3, 4, 5, 6`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE usage_daily_rollups`);
  }
}
