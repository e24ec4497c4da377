import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Virtual keys (only the keyed hash of each key, never the key: the check constraint refuses
 * anything that is not 64 hex digits) and their spend per budget window, kept in the same
 * transaction as the usage rows so budgets survive any crash exactly.
 */
export class CreateVirtualKeys1764200000000 implements MigrationInterface {
  name = 'CreateVirtualKeys1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE virtual_keys (
        key_id text PRIMARY KEY,
        key_hash text NOT NULL CONSTRAINT virtual_keys_key_hash_is_a_hash CHECK (key_hash ~ '^[0-9a-f]{64}$'),
        key_name text NOT NULL,
        key_alias text,
        user_id text,
        models text[] NOT NULL DEFAULT '{}',
        max_budget numeric(24, 12),
        budget_duration text,
        rpm_limit integer,
        tpm_limit integer,
        max_parallel_requests integer,
        expires_at timestamptz,
        blocked boolean NOT NULL DEFAULT false,
        metadata jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX virtual_keys_key_hash ON virtual_keys (key_hash)`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX virtual_keys_key_alias ON virtual_keys (key_alias) WHERE key_alias IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX virtual_keys_user_id ON virtual_keys (user_id) WHERE user_id IS NOT NULL`,
    );
    await queryRunner.query(`CREATE INDEX virtual_keys_created_at ON virtual_keys (created_at, key_id)`);
    await queryRunner.query(`
      CREATE TABLE key_spend (
        key_id text NOT NULL,
        window_start_ms bigint NOT NULL,
        window_end_ms bigint NOT NULL,
        spend_usd numeric(30, 12) NOT NULL,
        PRIMARY KEY (key_id, window_start_ms, window_end_ms)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE key_spend`);
    await queryRunner.query(`DROP TABLE virtual_keys`);
  }
}
