import type { EntityManager } from 'typeorm';
import {
  ALL_TIME_END_MS,
  type BudgetWindow,
  GatewayError,
  tagScopeId,
  type TeamRole,
} from '@switchyard/contracts';

/** A `teams` row as node-postgres returns it. */
export interface TeamRow {
  team_id: string;
  team_alias: string | null;
  models: string[];
  max_budget: string | null;
  budget_duration: string | null;
  rpm_limit: number | null;
  tpm_limit: number | null;
  max_parallel_requests: number | null;
  tags: string[];
  metadata: Record<string, unknown>;
  blocked: boolean;
  created_at: Date;
  updated_at: Date;
}

export type TeamColumns = Omit<TeamRow, 'team_id' | 'created_at' | 'updated_at' | 'max_budget'> & {
  max_budget: number | null;
};

export interface UserRow {
  user_id: string;
  user_email: string | null;
  user_alias: string | null;
  models: string[];
  max_budget: string | null;
  budget_duration: string | null;
  metadata: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
}

export type UserColumns = Omit<UserRow, 'user_id' | 'created_at' | 'updated_at' | 'max_budget'> & {
  max_budget: number | null;
};

export interface CustomerRow {
  user_id: string;
  alias: string | null;
  max_budget: string | null;
  budget_duration: string | null;
  blocked: boolean;
  metadata: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
}

/** A `tags` row as node-postgres returns it. */
export interface TagRow {
  name: string;
  description: string | null;
  models: string[];
  max_budget: string | null;
  soft_budget: string | null;
  budget_duration: string | null;
  rpm_limit: number | null;
  tpm_limit: number | null;
  max_parallel_requests: number | null;
  created_at: Date;
  updated_at: Date;
}

export type TagColumns = Omit<TagRow, 'name' | 'created_at' | 'updated_at' | 'max_budget' | 'soft_budget'> & {
  max_budget: number | null;
  soft_budget: number | null;
};

export interface MemberRow {
  team_id: string;
  user_id: string;
  role: TeamRole;
}

/** A scope with a budget, for the counters the ledger keeps in Redis. */
export interface BudgetedScopeRow {
  scope_id: string;
  budget_duration: string | null;
  created_at: Date;
}

const TEAM_COLUMNS = [
  'team_alias',
  'models',
  'max_budget',
  'budget_duration',
  'rpm_limit',
  'tpm_limit',
  'max_parallel_requests',
  'tags',
  'metadata',
  'blocked',
] as const satisfies readonly (keyof TeamColumns)[];

const TAG_COLUMNS = [
  'description',
  'models',
  'max_budget',
  'soft_budget',
  'budget_duration',
  'rpm_limit',
  'tpm_limit',
  'max_parallel_requests',
] as const satisfies readonly (keyof TagColumns)[];

const USER_COLUMNS = [
  'user_email',
  'user_alias',
  'models',
  'max_budget',
  'budget_duration',
  'metadata',
] as const satisfies readonly (keyof UserColumns)[];

/** `teams`, `team_members`, `internal_users`, `customers` and `tags`, always through the caller's manager. */
export class OrgStore {
  async team(manager: EntityManager, teamId: string, lock = false): Promise<TeamRow | null> {
    const rows: TeamRow[] = await manager.query(
      `SELECT * FROM teams WHERE team_id = $1${lock ? ' FOR UPDATE' : ''}`,
      [teamId],
    );
    return rows[0] ?? null;
  }

  async teamOrFail(manager: EntityManager, teamId: string, lock = false): Promise<TeamRow> {
    const row = await this.team(manager, teamId, lock);
    if (!row) throw notFound('team', teamId);
    return row;
  }

  async teams(manager: EntityManager, userId: string | null): Promise<TeamRow[]> {
    return userId === null
      ? manager.query(`SELECT * FROM teams ORDER BY created_at, team_id`)
      : manager.query(
          `SELECT teams.* FROM teams JOIN team_members member ON member.team_id = teams.team_id
           WHERE member.user_id = $1 ORDER BY teams.created_at, teams.team_id`,
          [userId],
        );
  }

  async insertTeam(
    manager: EntityManager,
    teamId: string,
    columns: TeamColumns,
    now: Date,
  ): Promise<TeamRow> {
    const rows = await manager
      .query<TeamRow[]>(
        `INSERT INTO teams (team_id, ${TEAM_COLUMNS.join(', ')}, created_at, updated_at)
         VALUES ($1, ${TEAM_COLUMNS.map((_, index) => `$${index + 2}`).join(', ')}, $${TEAM_COLUMNS.length + 2},
           $${TEAM_COLUMNS.length + 2})
         RETURNING *`,
        [teamId, ...teamValues(columns), now.toISOString()],
      )
      .catch(rethrowConflict);
    return rows[0];
  }

  async updateTeam(
    manager: EntityManager,
    teamId: string,
    columns: TeamColumns,
    now: Date,
  ): Promise<TeamRow> {
    const [rows] = await manager
      .query<[TeamRow[], number]>(
        `UPDATE teams SET ${TEAM_COLUMNS.map((name, index) => `${name} = $${index + 2}`).join(', ')},
           updated_at = $${TEAM_COLUMNS.length + 2}
         WHERE team_id = $1 RETURNING *`,
        [teamId, ...teamValues(columns), now.toISOString()],
      )
      .catch(rethrowConflict);
    return rows[0];
  }

  async deleteTeam(manager: EntityManager, teamId: string): Promise<void> {
    await manager.query(`DELETE FROM key_spend WHERE key_id = $1`, [`team:${teamId}`]);
    await manager.query(`DELETE FROM teams WHERE team_id = $1`, [teamId]);
  }

  async members(manager: EntityManager, teamIds: readonly string[]): Promise<MemberRow[]> {
    if (teamIds.length === 0) return [];
    return manager.query(
      `SELECT team_id, user_id, role FROM team_members WHERE team_id = ANY($1::text[]) ORDER BY team_id, user_id`,
      [teamIds],
    );
  }

  async membershipsOf(manager: EntityManager, userId: string): Promise<MemberRow[]> {
    return manager.query(
      `SELECT team_id, user_id, role FROM team_members WHERE user_id = $1 ORDER BY team_id`,
      [userId],
    );
  }

  async setMember(manager: EntityManager, member: MemberRow): Promise<void> {
    await manager.query(
      `INSERT INTO team_members (team_id, user_id, role) VALUES ($1, $2, $3)
       ON CONFLICT (team_id, user_id) DO UPDATE SET role = excluded.role`,
      [member.team_id, member.user_id, member.role],
    );
  }

  async deleteMember(manager: EntityManager, teamId: string, userId: string): Promise<boolean> {
    const [, count] = await manager.query<[unknown[], number]>(
      `DELETE FROM team_members WHERE team_id = $1 AND user_id = $2`,
      [teamId, userId],
    );
    return count > 0;
  }

  async user(manager: EntityManager, userId: string, lock = false): Promise<UserRow | null> {
    const rows: UserRow[] = await manager.query(
      `SELECT * FROM internal_users WHERE user_id = $1${lock ? ' FOR UPDATE' : ''}`,
      [userId],
    );
    return rows[0] ?? null;
  }

  async userOrFail(manager: EntityManager, userId: string, lock = false): Promise<UserRow> {
    const row = await this.user(manager, userId, lock);
    if (!row) throw notFound('user', userId);
    return row;
  }

  async users(manager: EntityManager): Promise<UserRow[]> {
    return manager.query(`SELECT * FROM internal_users ORDER BY created_at, user_id LIMIT 1000`);
  }

  /** Creates the user, or leaves it as it is when it exists (members added by `/team/member_add`). */
  async insertUser(
    manager: EntityManager,
    userId: string,
    columns: UserColumns,
    now: Date,
  ): Promise<UserRow> {
    const rows = await manager
      .query<UserRow[]>(
        `INSERT INTO internal_users (user_id, ${USER_COLUMNS.join(', ')}, created_at, updated_at)
         VALUES ($1, ${USER_COLUMNS.map((_, index) => `$${index + 2}`).join(', ')}, $${USER_COLUMNS.length + 2},
           $${USER_COLUMNS.length + 2})
         RETURNING *`,
        [userId, ...userValues(columns), now.toISOString()],
      )
      .catch(rethrowConflict);
    return rows[0];
  }

  async ensureUser(manager: EntityManager, userId: string, now: Date): Promise<void> {
    await manager.query(
      `INSERT INTO internal_users (user_id, created_at, updated_at) VALUES ($1, $2, $2)
       ON CONFLICT (user_id) DO NOTHING`,
      [userId, now.toISOString()],
    );
  }

  async updateUser(
    manager: EntityManager,
    userId: string,
    columns: UserColumns,
    now: Date,
  ): Promise<UserRow> {
    const [rows] = await manager.query<[UserRow[], number]>(
      `UPDATE internal_users SET ${USER_COLUMNS.map((name, index) => `${name} = $${index + 2}`).join(', ')},
         updated_at = $${USER_COLUMNS.length + 2}
       WHERE user_id = $1 RETURNING *`,
      [userId, ...userValues(columns), now.toISOString()],
    );
    return rows[0];
  }

  async deleteUser(manager: EntityManager, userId: string): Promise<void> {
    await manager.query(`DELETE FROM key_spend WHERE key_id = $1`, [`user:${userId}`]);
    await manager.query(`DELETE FROM internal_users WHERE user_id = $1`, [userId]);
  }

  async customer(manager: EntityManager, userId: string): Promise<CustomerRow | null> {
    const rows: CustomerRow[] = await manager.query(`SELECT * FROM customers WHERE user_id = $1`, [userId]);
    return rows[0] ?? null;
  }

  async insertCustomer(
    manager: EntityManager,
    row: Omit<CustomerRow, 'max_budget'> & { max_budget: number | null },
  ): Promise<CustomerRow> {
    const rows = await manager
      .query<CustomerRow[]>(
        `INSERT INTO customers (user_id, alias, max_budget, budget_duration, blocked, metadata, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
        [
          row.user_id,
          row.alias,
          row.max_budget,
          row.budget_duration,
          row.blocked,
          JSON.stringify(row.metadata),
          row.created_at.toISOString(),
          row.updated_at.toISOString(),
        ],
      )
      .catch(rethrowConflict);
    return rows[0];
  }

  /** End users with a budget or blocked: whose limits the ingress reads from Redis. */
  async limitedCustomers(manager: EntityManager): Promise<CustomerRow[]> {
    return manager.query(`SELECT * FROM customers WHERE max_budget IS NOT NULL OR blocked`);
  }

  async tag(manager: EntityManager, name: string, lock = false): Promise<TagRow | null> {
    const rows: TagRow[] = await manager.query(
      `SELECT * FROM tags WHERE name = $1${lock ? ' FOR UPDATE' : ''}`,
      [name],
    );
    return rows[0] ?? null;
  }

  async tagOrFail(manager: EntityManager, name: string, lock = false): Promise<TagRow> {
    const row = await this.tag(manager, name, lock);
    if (!row) throw notFound('tag', name);
    return row;
  }

  async tagsNamed(manager: EntityManager, names: readonly string[]): Promise<TagRow[]> {
    return manager.query(`SELECT * FROM tags WHERE name = ANY($1::text[]) ORDER BY name`, [names]);
  }

  async tags(manager: EntityManager): Promise<TagRow[]> {
    return manager.query(`SELECT * FROM tags ORDER BY created_at, name LIMIT 10000`);
  }

  /** Creates the tag; one that exists is LiteLLM's 400. */
  async insertTag(manager: EntityManager, name: string, columns: TagColumns, now: Date): Promise<TagRow> {
    const rows = await manager.query<TagRow[]>(
      `INSERT INTO tags (name, ${TAG_COLUMNS.join(', ')}, created_at, updated_at)
       VALUES ($1, ${TAG_COLUMNS.map((_, index) => `$${index + 2}`).join(', ')}, $${TAG_COLUMNS.length + 2},
         $${TAG_COLUMNS.length + 2})
       ON CONFLICT (name) DO NOTHING
       RETURNING *`,
      [name, ...TAG_COLUMNS.map((column) => columns[column]), now.toISOString()],
    );
    if (rows.length === 0) {
      throw GatewayError.invalidRequest(`Tag ${name} already exists`, 'name', 'already_exists');
    }
    return rows[0];
  }

  async updateTag(manager: EntityManager, name: string, columns: TagColumns, now: Date): Promise<TagRow> {
    const [rows] = await manager.query<[TagRow[], number]>(
      `UPDATE tags SET ${TAG_COLUMNS.map((column, index) => `${column} = $${index + 2}`).join(', ')},
         updated_at = $${TAG_COLUMNS.length + 2}
       WHERE name = $1 RETURNING *`,
      [name, ...TAG_COLUMNS.map((column) => columns[column]), now.toISOString()],
    );
    return rows[0];
  }

  async deleteTag(manager: EntityManager, row: TagRow): Promise<void> {
    await manager.query(`DELETE FROM key_spend WHERE key_id = $1`, [tagScopeId(row.name, row.created_at)]);
    const name = row.name;
    await manager.query(`DELETE FROM tags WHERE name = $1`, [name]);
  }

  /**
   * Every tag (or those of `names`), each row locked `FOR SHARE` until the transaction ends: the
   * reseed writes their limits to Redis under it, so a change or delete of a tag waits for it.
   */
  async tagsForShare(manager: EntityManager, names?: readonly string[]): Promise<TagRow[]> {
    return names === undefined
      ? manager.query(`SELECT * FROM tags ORDER BY name FOR SHARE`)
      : manager.query(`SELECT * FROM tags WHERE name = ANY($1::text[]) ORDER BY name FOR SHARE`, [names]);
  }

  /**
   * Recounts a tag's spend in a window from the usage rows carrying it since the tag was created
   * (a tag's spend counts from its creation, as LiteLLM's does); call it holding the tag's row lock.
   */
  async recountTag(manager: EntityManager, row: TagRow, window: BudgetWindow): Promise<string> {
    const from = Math.max(window.startMs, row.created_at.getTime());
    const rows = await manager.query<{ spend: string }[]>(
      `INSERT INTO key_spend (key_id, window_start_ms, window_end_ms, spend_usd)
       SELECT $1::text, $2::bigint, $3::bigint, coalesce(sum(cost_usd), 0) FROM usage_events
       WHERE request_tags @> ARRAY[$4::text]
         AND started_at >= 'epoch'::timestamptz + $5::bigint * interval '1 millisecond'
         AND ($3::bigint = $6::bigint OR started_at < 'epoch'::timestamptz + $3::bigint * interval '1 millisecond')
       ON CONFLICT (key_id, window_start_ms, window_end_ms) DO UPDATE SET spend_usd = excluded.spend_usd
       RETURNING spend_usd::text AS spend`,
      [tagScopeId(row.name, row.created_at), window.startMs, window.endMs, row.name, from, ALL_TIME_END_MS],
    );
    return rows[0].spend;
  }

  /** The hashes of the keys of a team, or of an internal user: whose cached records must go. */
  async keyHashes(manager: EntityManager, by: { teamId: string } | { userId: string }): Promise<string[]> {
    const rows: { key_hash: string }[] =
      'teamId' in by
        ? await manager.query(`SELECT key_hash FROM virtual_keys WHERE team_id = $1`, [by.teamId])
        : await manager.query(`SELECT key_hash FROM virtual_keys WHERE user_id = $1`, [by.userId]);
    return rows.map((row) => row.key_hash);
  }

  /** Every team, internal user, customer and tag with a budget, by scope id. */
  async budgetedScopes(manager: EntityManager): Promise<BudgetedScopeRow[]> {
    return manager.query(
      `SELECT 'team:' || team_id AS scope_id, budget_duration, created_at FROM teams WHERE max_budget IS NOT NULL
       UNION ALL
       SELECT 'user:' || user_id, budget_duration, created_at FROM internal_users WHERE max_budget IS NOT NULL
       UNION ALL
       SELECT 'customer:' || user_id, budget_duration, created_at FROM customers WHERE max_budget IS NOT NULL
       UNION ALL
       SELECT 'tag:' || name || '@' || floor(extract(epoch FROM created_at) * 1000)::bigint, budget_duration, created_at
         FROM tags WHERE max_budget IS NOT NULL`,
    );
  }

  /**
   * Recounts a scope's spend in a window from the usage rows (`column` = `value`), as
   * `KeyStore.recountWindow` does for a key; call it holding the scope's row lock.
   */
  async recountScope(
    manager: EntityManager,
    scopeId: string,
    column: 'team_id' | 'user_id' | 'end_user',
    value: string,
    window: BudgetWindow,
  ): Promise<string> {
    const bounded = window.endMs !== ALL_TIME_END_MS;
    const rows = await manager.query<{ spend: string }[]>(
      `INSERT INTO key_spend (key_id, window_start_ms, window_end_ms, spend_usd)
       SELECT $1::text, $2::bigint, $3::bigint, coalesce(sum(cost_usd), 0) FROM usage_events
       WHERE ${column} = $4::text${
         bounded
           ? ` AND started_at >= 'epoch'::timestamptz + $2::bigint * interval '1 millisecond'
               AND started_at < 'epoch'::timestamptz + $3::bigint * interval '1 millisecond'`
           : ''
       }
       ON CONFLICT (key_id, window_start_ms, window_end_ms) DO UPDATE SET spend_usd = excluded.spend_usd
       RETURNING spend_usd::text AS spend`,
      [scopeId, window.startMs, window.endMs, value],
    );
    return rows[0].spend;
  }
}

function teamValues(columns: TeamColumns): unknown[] {
  return TEAM_COLUMNS.map((name) => (name === 'metadata' ? JSON.stringify(columns.metadata) : columns[name]));
}

function userValues(columns: UserColumns): unknown[] {
  return USER_COLUMNS.map((name) => (name === 'metadata' ? JSON.stringify(columns.metadata) : columns[name]));
}

export function notFound(kind: 'team' | 'user' | 'customer' | 'tag', id: string): GatewayError {
  if (kind === 'tag') return GatewayError.notFound(`Tag ${id} not found`, 'name', 'tag_not_found');
  const param = kind === 'customer' ? 'end_user_id' : `${kind}_id`;
  return GatewayError.notFound(`No ${kind} with ${param} "${id}".`, param, `${kind}_not_found`);
}

function rethrowConflict(error: unknown): never {
  const failure = error as { code?: string; constraint?: string; driverError?: { constraint?: string } };
  const constraint = failure.constraint ?? failure.driverError?.constraint ?? '';
  if (failure.code === '23505') {
    const what =
      constraint === 'teams_team_alias'
        ? ['Another team already has this team_alias.', 'team_alias']
        : constraint.startsWith('teams')
          ? ['A team with this team_id exists already.', 'team_id']
          : constraint.startsWith('internal_users')
            ? ['A user with this user_id exists already.', 'user_id']
            : ['A customer with this user_id exists already.', 'user_id'];
    throw new GatewayError(409, 'invalid_request_error', what[0], {
      code: 'already_exists',
      param: what[1],
      retryable: false,
    });
  }
  throw error;
}
