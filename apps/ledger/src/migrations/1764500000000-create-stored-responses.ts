import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stored Responses API responses (`store: true`): the response object, the input items of its own
 * request and the response it continued, readable by the key that made it (`key_id`, null for the
 * master key) until `expires_at`, when the ledger's sweep deletes it.
 */
export class CreateStoredResponses1764500000000 implements MigrationInterface {
  name = 'CreateStoredResponses1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE stored_responses (
        response_id text PRIMARY KEY,
        key_id text,
        previous_response_id text,
        response jsonb NOT NULL,
        input_items jsonb NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz
      )`);
    await queryRunner.query(
      `CREATE INDEX stored_responses_expires_at ON stored_responses (expires_at) WHERE expires_at IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE stored_responses`);
  }
}
