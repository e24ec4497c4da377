import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The owner's loop (`general_settings.routing_log`): one row per logged routed ask, with its text,
 * its decision and the owner's label. `request_id` links it to the call's usage rows; rows are
 * deleted after `expires_at` (the retention the ingress computed from the config).
 */
export class CreateRoutedAsks1764400000000 implements MigrationInterface {
  name = 'CreateRoutedAsks1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE routed_asks (
        id bigserial PRIMARY KEY,
        request_id text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        router text NOT NULL,
        tier text,
        complexity_tier text,
        score double precision,
        cause text NOT NULL,
        model text NOT NULL,
        dimensions jsonb NOT NULL,
        ask text NOT NULL,
        session_id text,
        key_id text,
        team_id text,
        label text CHECK (label IN ('SIMPLE', 'MEDIUM', 'COMPLEX', 'REASONING')),
        label_source text CHECK (label_source IN ('owner', 'implicit')),
        labelled_at timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX routed_asks_created_at ON routed_asks (created_at, id)`);
    await queryRunner.query(`CREATE INDEX routed_asks_expires_at ON routed_asks (expires_at)`);
    await queryRunner.query(
      `CREATE INDEX routed_asks_session ON routed_asks (session_id, router, created_at) WHERE session_id IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE routed_asks`);
  }
}
