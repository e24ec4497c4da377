import type { EntityManager } from 'typeorm';
import {
  ALL_TIME_END_MS,
  type BudgetWindow,
  GatewayError,
  type KeyRef,
  keyBudgetWindow,
  type VirtualKey,
  type VirtualKeyInfo,
} from '@switchyard/contracts';

/** A `virtual_keys` row as node-postgres returns it. */
export interface KeyRow {
  key_id: string;
  key_hash: string;
  key_name: string;
  key_alias: string | null;
  user_id: string | null;
  team_id: string | null;
  tags: string[];
  models: string[];
  max_budget: string | null;
  budget_duration: string | null;
  rpm_limit: number | null;
  tpm_limit: number | null;
  max_parallel_requests: number | null;
  expires_at: Date | null;
  blocked: boolean;
  metadata: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
}

/** The columns a key's settings write, in the order of `KeyStore.insert`. */
export interface KeyColumns {
  key_alias: string | null;
  user_id: string | null;
  team_id: string | null;
  tags: string[];
  models: string[];
  max_budget: number | null;
  budget_duration: string | null;
  rpm_limit: number | null;
  tpm_limit: number | null;
  max_parallel_requests: number | null;
  expires_at: Date | null;
  blocked: boolean;
  metadata: Record<string, unknown>;
}

const WHERE_REF = {
  hash: 'key_hash = $1',
  id: 'key_id = $1',
  alias: 'key_alias = $1',
} as const satisfies Record<KeyRef['by'], string>;

export function toVirtualKey(row: KeyRow): VirtualKey {
  return {
    key_id: row.key_id,
    token: row.key_hash,
    key_name: row.key_name,
    key_alias: row.key_alias,
    user_id: row.user_id,
    team_id: row.team_id,
    tags: row.tags,
    models: row.models,
    max_budget: row.max_budget === null ? null : Number(row.max_budget),
    budget_duration: row.budget_duration,
    rpm_limit: row.rpm_limit,
    tpm_limit: row.tpm_limit,
    max_parallel_requests: row.max_parallel_requests,
    expires: row.expires_at === null ? null : row.expires_at.toISOString(),
    blocked: row.blocked,
    metadata: row.metadata,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

export function currentWindowOf(row: KeyRow, atMs: number): BudgetWindow {
  return keyBudgetWindow(row.created_at.toISOString(), row.budget_duration, atMs);
}

/** `virtual_keys` and `key_spend`, always through the caller's manager (so inside its transaction). */
export class KeyStore {
  async find(manager: EntityManager, ref: KeyRef, lock = false): Promise<KeyRow | null> {
    const rows: KeyRow[] = await manager.query(
      `SELECT * FROM virtual_keys WHERE ${WHERE_REF[ref.by]}${lock ? ' FOR UPDATE' : ''}`,
      [ref.value],
    );
    return rows[0] ?? null;
  }

  async findOrFail(manager: EntityManager, ref: KeyRef, lock = false): Promise<KeyRow> {
    const row = await this.find(manager, ref, lock);
    if (!row) throw keyNotFound(ref);
    return row;
  }

  async insert(
    manager: EntityManager,
    identity: { keyId: string; keyHash: string; keyName: string; now: Date },
    columns: KeyColumns,
  ): Promise<KeyRow> {
    const rows = await manager
      .query<KeyRow[]>(
        `INSERT INTO virtual_keys (key_id, key_hash, key_name, key_alias, user_id, models, max_budget,
           budget_duration, rpm_limit, tpm_limit, max_parallel_requests, expires_at, blocked, metadata,
           team_id, tags, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17)
         RETURNING *`,
        [
          identity.keyId,
          identity.keyHash,
          identity.keyName,
          ...this.values(columns),
          identity.now.toISOString(),
        ],
      )
      .catch(rethrowConflict);
    return rows[0];
  }

  async update(
    manager: EntityManager,
    keyId: string,
    columns: KeyColumns,
    now: Date,
    newIdentity: { keyHash: string; keyName: string } | null = null,
  ): Promise<KeyRow> {
    const [rows] = await manager
      .query<[KeyRow[], number]>(
        `UPDATE virtual_keys SET key_alias = $2, user_id = $3, models = $4, max_budget = $5,
           budget_duration = $6, rpm_limit = $7, tpm_limit = $8, max_parallel_requests = $9,
           expires_at = $10, blocked = $11, metadata = $12, team_id = $13, tags = $14, updated_at = $15,
           key_hash = coalesce($16, key_hash), key_name = coalesce($17, key_name)
         WHERE key_id = $1
         RETURNING *`,
        [
          keyId,
          ...this.values(columns),
          now.toISOString(),
          newIdentity?.keyHash ?? null,
          newIdentity?.keyName ?? null,
        ],
      )
      .catch(rethrowConflict);
    return rows[0];
  }

  async delete(manager: EntityManager, keyIds: readonly string[]): Promise<void> {
    await manager.query(`DELETE FROM key_spend WHERE key_id = ANY($1::text[])`, [keyIds]);
    await manager.query(`DELETE FROM virtual_keys WHERE key_id = ANY($1::text[])`, [keyIds]);
  }

  async page(
    manager: EntityManager,
    filter: { userId: string | null; keyAlias: string | null; teamId?: string | null },
    page: number,
    size: number,
  ): Promise<{ rows: KeyRow[]; total: number }> {
    const conditions: string[] = [];
    const parameters: unknown[] = [];
    if (filter.userId !== null) {
      parameters.push(filter.userId);
      conditions.push(`user_id = $${parameters.length}`);
    }
    if (filter.teamId) {
      parameters.push(filter.teamId);
      conditions.push(`team_id = $${parameters.length}`);
    }
    if (filter.keyAlias !== null) {
      parameters.push(filter.keyAlias);
      conditions.push(`key_alias = $${parameters.length}`);
    }
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const [{ count }]: { count: string }[] = await manager.query(
      `SELECT count(*) FROM virtual_keys ${where}`,
      parameters,
    );
    const rows: KeyRow[] = await manager.query(
      `SELECT * FROM virtual_keys ${where} ORDER BY created_at DESC, key_id DESC
       LIMIT $${parameters.length + 1} OFFSET $${parameters.length + 2}`,
      [...parameters, size, (page - 1) * size],
    );
    return { rows, total: Number(count) };
  }

  /** Every key with a budget: whose spend counters the ledger keeps in Redis. */
  async budgeted(manager: EntityManager): Promise<KeyRow[]> {
    return manager.query(`SELECT * FROM virtual_keys WHERE max_budget IS NOT NULL`);
  }

  /** Spend of each key in the given window (0 when nothing was charged to it yet). */
  async windowSpends(
    manager: EntityManager,
    windows: readonly { keyId: string; window: BudgetWindow }[],
  ): Promise<Map<string, string>> {
    if (windows.length === 0) return new Map();
    const rows: { key_id: string; spend: string }[] = await manager.query(
      `SELECT spend.key_id, spend.spend_usd::text AS spend
       FROM unnest($1::text[], $2::int8[], $3::int8[]) AS wanted(key_id, start_ms, end_ms)
       JOIN key_spend spend ON spend.key_id = wanted.key_id AND spend.window_start_ms = wanted.start_ms
         AND spend.window_end_ms = wanted.end_ms`,
      [
        windows.map((item) => item.keyId),
        windows.map((item) => item.window.startMs),
        windows.map((item) => item.window.endMs),
      ],
    );
    return new Map(rows.map((row) => [row.key_id, row.spend]));
  }

  /** Spend since creation of each key, from the daily rollups. */
  async totalSpends(manager: EntityManager, keyIds: readonly string[]): Promise<Map<string, number>> {
    if (keyIds.length === 0) return new Map();
    const rows: { key_id: string; spend: string }[] = await manager.query(
      `SELECT key_id, sum(cost_usd)::text AS spend FROM usage_daily_rollups
       WHERE key_id = ANY($1::text[]) GROUP BY key_id`,
      [keyIds],
    );
    return new Map(rows.map((row) => [row.key_id, Number(row.spend)]));
  }

  /**
   * Recounts a key's spend in a window from its usage rows. Call it holding the key's row lock
   * (`find(…, lock = true)`): batches charging the key wait for it (they read the key `FOR SHARE`),
   * and this statement sees every batch committed before the lock.
   */
  async recountWindow(manager: EntityManager, keyId: string, window: BudgetWindow): Promise<string> {
    const bounded = window.endMs !== ALL_TIME_END_MS;
    const rows = await manager.query<{ spend: string }[]>(
      `INSERT INTO key_spend (key_id, window_start_ms, window_end_ms, spend_usd)
       SELECT $1::text, $2::bigint, $3::bigint, coalesce(sum(cost_usd), 0) FROM usage_events
       WHERE key_id = $1::text${
         bounded
           ? ` AND started_at >= 'epoch'::timestamptz + $2::bigint * interval '1 millisecond'
               AND started_at < 'epoch'::timestamptz + $3::bigint * interval '1 millisecond'`
           : ''
       }
       ON CONFLICT (key_id, window_start_ms, window_end_ms) DO UPDATE SET spend_usd = excluded.spend_usd
       RETURNING spend_usd::text AS spend`,
      [keyId, window.startMs, window.endMs],
    );
    return rows[0].spend;
  }

  /** Drops the spend of budget windows that ended more than `keepMs` ago. */
  async forgetOldWindows(manager: EntityManager, nowMs: number, keepMs: number): Promise<void> {
    await manager.query(`DELETE FROM key_spend WHERE window_end_ms < $1`, [nowMs - keepMs]);
  }

  private values(columns: KeyColumns): unknown[] {
    return [
      columns.key_alias,
      columns.user_id,
      columns.models,
      columns.max_budget,
      columns.budget_duration,
      columns.rpm_limit,
      columns.tpm_limit,
      columns.max_parallel_requests,
      columns.expires_at?.toISOString() ?? null,
      columns.blocked,
      JSON.stringify(columns.metadata),
      columns.team_id,
      columns.tags,
    ];
  }
}

/** The info of a key: its record, what it spent in its current window and in all. */
export function toKeyInfo(
  row: KeyRow,
  windowSpend: string | undefined,
  totalSpend: number,
  nowMs: number,
): VirtualKeyInfo {
  const window = currentWindowOf(row, nowMs);
  return {
    ...toVirtualKey(row),
    spend: Number(windowSpend ?? 0),
    total_spend: totalSpend,
    budget_reset_at: window.endMs === ALL_TIME_END_MS ? null : new Date(window.endMs).toISOString(),
  };
}

export function keyNotFound(ref: KeyRef): GatewayError {
  const described =
    ref.by === 'alias'
      ? ` with key_alias "${ref.value}"`
      : ref.by === 'id'
        ? ` with key_id "${ref.value}"`
        : ' matches that key';
  return GatewayError.notFound(`No virtual key${described}.`, 'key', 'key_not_found');
}

function rethrowConflict(error: unknown): never {
  const failure = error as { code?: string; constraint?: string; driverError?: { constraint?: string } };
  const constraint = failure.constraint ?? failure.driverError?.constraint;
  if (failure.code === '23505' && constraint === 'virtual_keys_key_alias') {
    throw new GatewayError(409, 'invalid_request_error', 'Another key already has this key_alias.', {
      code: 'key_alias_taken',
      param: 'key_alias',
      retryable: false,
    });
  }
  if (failure.code === '23505' && constraint === 'virtual_keys_key_hash') {
    throw new GatewayError(409, 'invalid_request_error', 'A key with this hash exists already.', {
      code: 'key_exists',
      retryable: false,
    });
  }
  throw error;
}
