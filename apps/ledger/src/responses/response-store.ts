import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type {
  ResponseReader,
  ResponseStoreMessage,
  ResponseStoreReply,
  StoredResponse,
} from '@switchyard/contracts';
import { DATA_SOURCE, RESPONSE_RETENTION_DAYS } from '../infrastructure/tokens';

/** Links of a `previous_response_id` chain followed at most (a loop cannot occur, ids are unique). */
const MAX_CHAIN_LENGTH = 1000;
/** Rows deleted per statement by the sweep, so one sweep never holds a long lock. */
const SWEEP_BATCH = 1000;

interface StoredRow {
  response_id: string;
  key_id: string | null;
  previous_response_id: string | null;
  response: Record<string, unknown>;
  input_items: Record<string, unknown>[];
  created_ms: string;
}

/**
 * Stored Responses API responses in Postgres (`stored_responses`): kept for the retention the
 * ledger was started with, read only by the key that made them or the master key.
 */
@Injectable()
export class ResponseStore {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    /** days a response is kept; 0 keeps it until it is deleted. */
    @Inject(RESPONSE_RETENTION_DAYS) private readonly retentionDays: number,
  ) {}

  async handle(message: ResponseStoreMessage): Promise<ResponseStoreReply> {
    switch (message.op) {
      case 'put':
        await this.put(message.response);
        return { response: null, history: [], done: true };
      case 'get':
        return this.get(message.id, message.reader, message.chain);
      case 'delete':
        return { response: null, history: [], done: await this.delete(message.id, message.reader) };
    }
  }

  async put(response: StoredResponse): Promise<void> {
    const createdAt = new Date(response.createdAt);
    const expiresAt =
      this.retentionDays > 0 ? new Date(response.createdAt + this.retentionDays * 86_400_000) : null;
    // The ingress sends a stream's terminal event only once this returns (a client chaining at
    // once must find the response), so the commit's WAL flush was in every stored response's
    // latency (4 ms median here, tens under load). Committed asynchronously (`set_config(...,
    // true)`: this statement's transaction only, in the same round trip), the row is visible to
    // every reader as soon as the INSERT returns, exactly as before; only a PostgreSQL crash in
    // the next few hundred ms could lose it (a later `previous_response_id` then answers 404).
    // Usage rows keep the synchronous commit.
    await this.dataSource.query(
      `WITH async_commit AS (SELECT set_config('synchronous_commit', 'off', true))
       INSERT INTO stored_responses
         (response_id, key_id, previous_response_id, response, input_items, created_at, expires_at)
       SELECT $1::text, $2::text, $3::text, $4::jsonb, $5::jsonb, $6::timestamptz, $7::timestamptz
         FROM async_commit
       ON CONFLICT (response_id) DO NOTHING`,
      [
        response.id,
        response.keyId,
        response.previousResponseId,
        JSON.stringify(response.response),
        JSON.stringify(response.inputItems),
        createdAt,
        expiresAt,
      ],
    );
  }

  /** The response, and with `chain` the items of every response before it, oldest first. */
  async get(id: string, reader: ResponseReader, chain: boolean): Promise<ResponseStoreReply> {
    const rows = await this.dataSource.query<StoredRow[]>(
      `WITH RECURSIVE chain AS (
         SELECT s.*, 0 AS depth FROM stored_responses s WHERE s.response_id = $1
         UNION ALL
         SELECT p.*, chain.depth + 1 FROM stored_responses p
           JOIN chain ON p.response_id = chain.previous_response_id
          WHERE $4 AND chain.depth < $5
       )
       SELECT response_id, key_id, previous_response_id, response, input_items,
              (extract(epoch FROM created_at) * 1000)::bigint::text AS created_ms
         FROM chain
        WHERE (expires_at IS NULL OR expires_at > now())
          AND ($2::boolean OR key_id = $3)
        ORDER BY depth DESC`,
      [
        id,
        reader.kind === 'master',
        reader.kind === 'virtual' ? reader.keyId : null,
        chain,
        MAX_CHAIN_LENGTH,
      ],
    );
    const newest = rows.at(-1);
    if (!newest || newest.response_id !== id) return { response: null, history: [], done: false };
    const history: Record<string, unknown>[] = [];
    for (const row of rows.slice(0, -1)) {
      history.push(...row.input_items, ...outputItemsOf(row.response));
    }
    return { response: toStoredResponse(newest), history, done: true };
  }

  async delete(id: string, reader: ResponseReader): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      `DELETE FROM stored_responses
        WHERE response_id = $1 AND ($2::boolean OR key_id = $3)
          AND (expires_at IS NULL OR expires_at > now())
        RETURNING response_id`,
      [id, reader.kind === 'master', reader.kind === 'virtual' ? reader.keyId : null],
    );
    return affected(rows) > 0;
  }

  /** Deletes the responses past their retention; the number deleted. */
  async sweep(): Promise<number> {
    let total = 0;
    for (;;) {
      const rows = await this.dataSource.query<unknown[]>(
        `DELETE FROM stored_responses WHERE response_id IN (
           SELECT response_id FROM stored_responses WHERE expires_at <= now() LIMIT ${SWEEP_BATCH}
         ) RETURNING response_id`,
      );
      const deleted = affected(rows);
      total += deleted;
      if (deleted < SWEEP_BATCH) return total;
    }
  }
}

/** TypeORM answers a `DELETE … RETURNING` with `[rows, count]`. */
function affected(result: unknown[]): number {
  if (result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[1];
  return result.length;
}

function outputItemsOf(response: Record<string, unknown>): Record<string, unknown>[] {
  const output = response.output;
  return Array.isArray(output) ? (output as Record<string, unknown>[]) : [];
}

function toStoredResponse(row: StoredRow): StoredResponse {
  return {
    id: row.response_id,
    keyId: row.key_id,
    previousResponseId: row.previous_response_id,
    createdAt: Number(row.created_ms),
    response: row.response,
    inputItems: row.input_items,
  };
}
