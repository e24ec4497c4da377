import { Client } from 'pg';
import { testInfrastructure, uniqueSuffix } from './infrastructure';

/** A database of its own for one test file: `switchyard_test_<random>`, dropped by `drop()`. */
export class TestDatabase {
  private constructor(
    readonly name: string,
    readonly url: string,
    private readonly adminUrl: string,
  ) {}

  /** the name and URL only; the ledger creates it (LEDGER_CREATE_DATABASE). */
  static plan(): TestDatabase {
    const adminUrl = testInfrastructure().postgresUrl;
    const name = `switchyard_test_${uniqueSuffix()}`;
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return new TestDatabase(name, url.toString(), adminUrl);
  }

  async query<Row = Record<string, unknown>>(sql: string, parameters: unknown[] = []): Promise<Row[]> {
    const client = new Client({ connectionString: this.url });
    await client.connect();
    try {
      return (await client.query(sql, parameters)).rows as Row[];
    } finally {
      await client.end();
    }
  }

  async drop(): Promise<void> {
    const client = new Client({ connectionString: this.adminUrl });
    await client.connect();
    try {
      await client.query(`DROP DATABASE IF EXISTS "${this.name}" WITH (FORCE)`);
    } finally {
      await client.end();
    }
  }
}
