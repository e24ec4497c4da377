import type { EntityManager } from 'typeorm';
import {
  budgetScopeId,
  type Duration,
  parseDuration,
  tagScopeId,
  tagsOf,
  type UsageEvent,
} from '@switchyard/contracts';
import { storableJson } from './storable-json';

/** Whom a usage row is charged to besides its key: its team, its key's internal user, its tags. */
export interface Attribution {
  teamId: string | null;
  userId: string | null;
  tags: string[];
}

export const NO_ATTRIBUTION: Attribution = { teamId: null, userId: null, tags: [] };

/** A budget scope an event's cost is added to (its key, team, internal user, end user, tags). */
export interface ChargedScope {
  scopeId: string;
  anchorMs: number;
  duration: Duration | null;
  budgeted: boolean;
}

interface BudgetColumns {
  max_budget: string | null;
  budget_duration: string | null;
  created_at: Date;
}
interface KeyRow extends BudgetColumns {
  key_id: string;
  team_id: string | null;
  user_id: string | null;
  tags: string[];
}
interface TeamRow extends BudgetColumns {
  team_id: string;
  tags: string[];
}
interface OwnerRow extends BudgetColumns {
  user_id: string;
}
interface TagRow extends BudgetColumns {
  name: string;
}

/**
 * The keys, teams, internal users, customers and tags of a batch, read `FOR SHARE` inside its
 * transaction (in id order, so concurrent writers lock in the same order): a concurrent change of a
 * budget duration, which recounts that scope's window under its row lock, waits for the batch or
 * the batch for it, so every cost lands in exactly one window.
 */
export class Attributions {
  private constructor(
    private readonly keys: Map<string, KeyRow>,
    private readonly teams: Map<string, TeamRow>,
    private readonly users: Map<string, OwnerRow>,
    private readonly customers: Map<string, OwnerRow>,
    private readonly tags: Map<string, TagRow>,
  ) {}

  static none(): Attributions {
    return new Attributions(new Map(), new Map(), new Map(), new Map(), new Map());
  }

  /** Whether any event needs the locked read (a key, an end user or a tag). */
  static needsLookup(events: readonly UsageEvent[]): boolean {
    return events.some(
      (event) => event.keyId !== null || event.user !== null || tagsOf(event.metadata, [], []).length > 0,
    );
  }

  static async load(manager: EntityManager, events: readonly UsageEvent[]): Promise<Attributions> {
    const keyIds = distinct(events.map((event) => event.keyId));
    const keys = await lockedRows<KeyRow>(
      manager,
      keyIds,
      `SELECT key_id, budget_duration, created_at, max_budget::text, team_id, user_id, tags FROM virtual_keys
       WHERE key_id = ANY($1::text[]) ORDER BY key_id FOR SHARE`,
    );
    const teamIds = distinct(keys.map((key) => key.team_id));
    const teams = await lockedRows<TeamRow>(
      manager,
      teamIds,
      `SELECT team_id, tags, max_budget::text, budget_duration, created_at FROM teams
       WHERE team_id = ANY($1::text[]) ORDER BY team_id FOR SHARE`,
    );
    const userIds = distinct(keys.map((key) => key.user_id));
    const users = await lockedRows<OwnerRow>(
      manager,
      userIds,
      `SELECT user_id, max_budget::text, budget_duration, created_at FROM internal_users
       WHERE user_id = ANY($1::text[]) ORDER BY user_id FOR SHARE`,
    );
    const endUsers = distinct(events.map((event) => storableUser(event.user)));
    const customers = await lockedRows<OwnerRow>(
      manager,
      endUsers,
      `SELECT user_id, max_budget::text, budget_duration, created_at FROM customers
       WHERE user_id = ANY($1::text[]) ORDER BY user_id FOR SHARE`,
    );
    const partial = new Attributions(
      new Map(keys.map((row) => [row.key_id, row])),
      new Map(teams.map((row) => [row.team_id, row])),
      new Map(users.map((row) => [row.user_id, row])),
      new Map(customers.map((row) => [row.user_id, row])),
      new Map(),
    );
    const tagNames = distinct(events.flatMap((event) => partial.of(event).tags.map(storableText)));
    const tags = await lockedRows<TagRow>(
      manager,
      tagNames,
      `SELECT name, max_budget::text, budget_duration, created_at FROM tags
       WHERE name = ANY($1::text[]) ORDER BY name FOR SHARE`,
    );
    for (const row of tags) partial.tags.set(row.name, row);
    return partial;
  }

  of(event: UsageEvent): Attribution {
    const key = event.keyId === null ? undefined : this.keys.get(event.keyId);
    const team = key?.team_id ? this.teams.get(key.team_id) : undefined;
    return {
      teamId: key?.team_id ?? null,
      userId: key?.user_id ?? null,
      tags: tagsOf(event.metadata, key?.tags ?? [], team?.tags ?? []),
    };
  }

  /** The scopes whose spend the event's cost adds to; a key without a row is charged nothing. */
  scopesOf(event: UsageEvent): ChargedScope[] {
    const key = event.keyId === null ? undefined : this.keys.get(event.keyId);
    const scopes: ChargedScope[] = [];
    if (key) scopes.push(charged(key.key_id, key));
    const team = key?.team_id ? this.teams.get(key.team_id) : undefined;
    if (team) scopes.push(charged(budgetScopeId('team', team.team_id), team));
    const user = key?.user_id ? this.users.get(key.user_id) : undefined;
    if (user) scopes.push(charged(budgetScopeId('user', user.user_id), user));
    const endUser = storableUser(event.user);
    const customer = endUser === null ? undefined : this.customers.get(endUser);
    if (customer) scopes.push(charged(budgetScopeId('customer', customer.user_id), customer));
    for (const name of this.of(event).tags) {
      const tag = this.tags.get(storableText(name));
      if (tag) scopes.push(charged(tagScopeId(tag.name, tag.created_at), tag));
    }
    return scopes;
  }
}

function charged(scopeId: string, row: BudgetColumns): ChargedScope {
  return {
    scopeId,
    anchorMs: row.created_at.getTime(),
    duration: row.budget_duration === null ? null : parseDuration(row.budget_duration),
    budgeted: row.max_budget !== null,
  };
}

/** The end user as its row stores it (NUL and lone surrogates as U+FFFD), so it can be looked up. */
function storableUser(user: string | null): string | null {
  return user === null ? null : storableText(user);
}

/** Text as a row stores it (NUL and lone surrogates as U+FFFD), so it can be looked up. */
function storableText(text: string): string {
  return JSON.parse(storableJson(JSON.stringify(text))) as string;
}

/** The rows `sql` selects `FOR SHARE` by the ids in its `$1`; none, without a query, for no ids. */
async function lockedRows<Row>(manager: EntityManager, ids: readonly string[], sql: string): Promise<Row[]> {
  return ids.length === 0 ? [] : manager.query<Row[]>(sql, [ids]);
}

function distinct(values: readonly (string | null)[]): string[] {
  return [...new Set(values.filter((value): value is string => value !== null))].sort();
}
