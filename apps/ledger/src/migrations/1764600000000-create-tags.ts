import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * LiteLLM's tags (`/tag/*`): a budget and rate limits held across every call carrying the tag.
 * Usage rows already record their tags (`request_tags`); a tag's spend per budget window goes to
 * `key_spend` under `tag:<name>@<created_at ms>` (`tagScopeId`), counted from the tag's creation. `models` is kept for LiteLLM's
 * shape and is always empty (Switchyard does not route by tag).
 */
export class CreateTags1764600000000 implements MigrationInterface {
  name = 'CreateTags1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE tags (
        name text PRIMARY KEY,
        description text,
        models text[] NOT NULL DEFAULT '{}',
        max_budget numeric(24, 12),
        soft_budget numeric(24, 12),
        budget_duration text,
        rpm_limit integer,
        tpm_limit integer,
        max_parallel_requests integer,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM key_spend WHERE key_id LIKE 'tag:%'`);
    await queryRunner.query(`DROP TABLE tags`);
  }
}
