import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What a routed request would have cost on its router's most expensive tier model (router savings). */
export class AddBaselineCost1764100000001 implements MigrationInterface {
  name = 'AddBaselineCost1764100000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE usage_events ADD COLUMN baseline_cost_usd numeric(24, 12)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE usage_events DROP COLUMN baseline_cost_usd`);
  }
}
