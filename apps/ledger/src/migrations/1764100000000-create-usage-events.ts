import type { MigrationInterface, QueryRunner } from 'typeorm';

/** One row per usage event (upstream attempt, cache hit or refusal); the event id makes ingestion idempotent. */
export class CreateUsageEvents1764100000000 implements MigrationInterface {
  name = 'CreateUsageEvents1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE usage_events (
        event_id uuid PRIMARY KEY,
        request_id text NOT NULL,
        attempt integer NOT NULL,
        retry integer NOT NULL,
        kind text NOT NULL,
        status text NOT NULL,
        http_status integer NOT NULL,
        error_type text,
        endpoint text NOT NULL,
        stream boolean NOT NULL,
        started_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        model_group text NOT NULL,
        model text NOT NULL,
        deployment_id text,
        provider text NOT NULL,
        provider_model text,
        router text,
        tier text,
        route_score double precision,
        route_cause text,
        route_dimensions jsonb,
        input_tokens integer NOT NULL,
        input_no_cache_tokens integer NOT NULL,
        input_cache_read_tokens integer NOT NULL,
        input_cache_write_tokens integer NOT NULL,
        output_tokens integer NOT NULL,
        output_reasoning_tokens integer NOT NULL,
        usage_estimated boolean NOT NULL,
        cost_usd numeric(24, 12),
        saved_cost_usd numeric(24, 12),
        latency_ms double precision NOT NULL,
        ttft_ms double precision,
        key_id text,
        session_id text,
        end_user text,
        metadata jsonb
      )`);
    await queryRunner.query(`CREATE INDEX usage_events_started_at ON usage_events (started_at)`);
    await queryRunner.query(
      `CREATE INDEX usage_events_key_started_at ON usage_events (key_id, started_at) WHERE key_id IS NOT NULL`,
    );
    await queryRunner.query(`CREATE INDEX usage_events_model_started_at ON usage_events (model, started_at)`);
    await queryRunner.query(`CREATE INDEX usage_events_request_id ON usage_events (request_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE usage_events`);
  }
}
