import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { BusClient } from '@switchyard/bus';
import {
  ALL_TIME_END_MS,
  type BudgetWindow,
  hasLimits,
  budgetScopeId,
  type Customer,
  type CustomerLimitsRecord,
  GatewayError,
  type InternalUser,
  keyBudgetWindow,
  type KeysChanged,
  type OrgMessage,
  type OrgReply,
  Subjects,
  type Tag,
  type TagBudget,
  type TagLimitsRecord,
  type TagSettings,
  tagScopeId,
  type Team,
  type TeamMember,
  type TeamSettings,
  type UserSettings,
} from '@switchyard/contracts';
import { KeyStore } from '../database/key-store';
import { CLOCK, DATA_SOURCE } from '../infrastructure/tokens';
import { SpendCounters } from '../spend/spend-counters';
import {
  type CustomerRow,
  type MemberRow,
  notFound,
  OrgStore,
  type TagColumns,
  type TagRow,
  type TeamColumns,
  type TeamRow,
  type UserColumns,
  type UserRow,
} from './org-store';
import { scopeLimits } from './team-scope';

type Op<Name extends OrgMessage['op']> = Extract<OrgMessage, { op: Name }>['body'];

interface ScopeSpend {
  keyId: string;
  window: BudgetWindow;
  spendUsd: string;
}

/**
 * Teams, internal users, customers and tags (`org.admin.v1`): every change in one transaction, then
 * `keys.changed.v1` for each key it concerns (a team's keys when the team changes, a user's keys
 * when the user or their memberships change), so every ingress drops those records at once, then
 * the scope's spend counter in Redis (a changed budget duration recounts the current window from
 * the usage rows, under the scope's row lock).
 */
@Injectable()
export class ManageOrg {
  private readonly store = new OrgStore();
  private readonly keys = new KeyStore();

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(BusClient) private readonly bus: BusClient,
    @Inject(SpendCounters) private readonly counters: SpendCounters,
    @Optional() @Inject(CLOCK) private readonly clock: () => Date = () => new Date(),
  ) {}

  async handle(message: OrgMessage): Promise<OrgReply> {
    switch (message.op) {
      case 'team.new':
        return this.newTeam(message.body);
      case 'team.update': {
        const { team_id, ...settings } = message.body;
        return this.changeTeam(team_id, settings);
      }
      case 'team.block':
        return this.changeTeam(message.body.team_id, { blocked: true });
      case 'team.unblock':
        return this.changeTeam(message.body.team_id, { blocked: false });
      case 'team.delete':
        return this.deleteTeams(message.body.team_ids);
      case 'team.info':
        return this.teamInfo(message.body.team_id);
      case 'team.list':
        return this.listTeams(message.body.user_id ?? null);
      case 'team.member_add':
        return this.addMembers(message.body);
      case 'team.member_delete':
        return this.deleteMember(message.body.team_id, message.body.user_id);
      case 'user.new':
        return this.newUser(message.body);
      case 'user.update': {
        const { user_id, ...settings } = message.body;
        return this.changeUser(user_id, settings);
      }
      case 'user.delete':
        return this.deleteUsers(message.body.user_ids);
      case 'user.info':
        return this.userInfo(message.body.user_id);
      case 'user.list':
        return this.listUsers();
      case 'customer.new':
        return this.newCustomer(message.body);
      case 'customer.info':
        return this.customerInfo(message.body.end_user_id);
      case 'tag.new':
        return this.newTag(message.body);
      case 'tag.update': {
        const { name, ...settings } = message.body;
        return this.changeTag(name, settings);
      }
      case 'tag.info':
        return this.tagInfo(message.body.names);
      case 'tag.list':
        return this.listTags();
      case 'tag.delete':
        return this.deleteTag(message.body.name);
    }
  }

  private async newTeam(body: Op<'team.new'>): Promise<OrgReply> {
    const now = this.clock();
    const teamId = body.team_id ?? randomUUID();
    const { team_id: _teamId, members_with_roles: members = [], ...settings } = body;
    const row = await this.dataSource.transaction(async (manager) => {
      const inserted = await this.store.insertTeam(manager, teamId, teamColumns(null, settings), now);
      for (const member of members) await this.join(manager, teamId, member, now);
      return inserted;
    });
    if (row.max_budget !== null) await this.seed([await this.spendOf('team', row, now)]);
    return this.teamView(row);
  }

  private async changeTeam(teamId: string, settings: TeamSettings): Promise<OrgReply> {
    const now = this.clock();
    const { before, after, recounted, hashes } = await this.dataSource.transaction(async (manager) => {
      const before = await this.store.teamOrFail(manager, teamId, true);
      const after = await this.store.updateTeam(manager, teamId, teamColumns(before, settings), now);
      const recounted =
        before.budget_duration === after.budget_duration
          ? null
          : await this.recount(manager, 'team', after, now);
      return { before, after, recounted, hashes: await this.store.keyHashes(manager, { teamId }) };
    });
    // the counter first: a replica that reloads the key on the broadcast finds the spend in place
    if (recounted) await this.seed([recounted]);
    else if (after.max_budget !== null && before.max_budget === null) {
      await this.seed([await this.spendOf('team', after, now)]);
    }
    this.announce(hashes, !before.blocked && after.blocked ? 'blocked' : 'updated');
    return this.teamView(after);
  }

  /** Deletes each team with its keys (LiteLLM's behaviour): every named team or none. */
  private async deleteTeams(teamIds: readonly string[]): Promise<OrgReply> {
    const deleted = await this.dataSource.transaction(async (manager) => {
      const hashes: string[] = [];
      for (const teamId of teamIds) {
        await this.store.teamOrFail(manager, teamId, true);
        const keys: { key_id: string; key_hash: string }[] = await manager.query(
          `SELECT key_id, key_hash FROM virtual_keys WHERE team_id = $1 FOR UPDATE`,
          [teamId],
        );
        await this.keys.delete(
          manager,
          keys.map((key) => key.key_id),
        );
        await this.store.deleteTeam(manager, teamId);
        hashes.push(...keys.map((key) => key.key_hash));
      }
      return hashes;
    });
    this.announce(deleted, 'deleted');
    return { deleted_teams: teamIds, deleted_keys: deleted.length };
  }

  private async teamInfo(teamId: string): Promise<OrgReply> {
    const manager = this.dataSource.manager;
    const row = await this.store.teamOrFail(manager, teamId);
    const keys: { key_id: string; key_hash: string; key_alias: string | null; key_name: string }[] =
      await manager.query(
        `SELECT key_id, key_hash, key_alias, key_name FROM virtual_keys WHERE team_id = $1 ORDER BY created_at`,
        [teamId],
      );
    return {
      team_id: teamId,
      team_info: await this.teamView(row),
      keys: keys.map((key) => ({
        key_id: key.key_id,
        token: key.key_hash,
        key_alias: key.key_alias,
        key_name: key.key_name,
      })),
    };
  }

  private async listTeams(userId: string | null): Promise<OrgReply> {
    const rows = await this.store.teams(this.dataSource.manager, userId);
    return { teams: await Promise.all(rows.map((row) => this.teamView(row))), total: rows.length };
  }

  private async addMembers(body: Op<'team.member_add'>): Promise<OrgReply> {
    const now = this.clock();
    const members = Array.isArray(body.member) ? body.member : [body.member];
    const { row, hashes } = await this.dataSource.transaction(async (manager) => {
      const row = await this.store.teamOrFail(manager, body.team_id, true);
      const hashes: string[] = [];
      for (const member of members) {
        await this.join(manager, body.team_id, member, now);
        hashes.push(...(await this.store.keyHashes(manager, { userId: member.user_id })));
      }
      return { row, hashes };
    });
    this.announce(hashes, 'updated');
    return this.teamView(row);
  }

  private async deleteMember(teamId: string, userId: string): Promise<OrgReply> {
    const { row, hashes } = await this.dataSource.transaction(async (manager) => {
      const row = await this.store.teamOrFail(manager, teamId, true);
      if (!(await this.store.deleteMember(manager, teamId, userId))) {
        throw GatewayError.notFound(
          `User "${userId}" is not a member of team "${teamId}".`,
          'user_id',
          'member_not_found',
        );
      }
      return { row, hashes: await this.store.keyHashes(manager, { userId }) };
    });
    this.announce(hashes, 'updated');
    return this.teamView(row);
  }

  private async newUser(body: Op<'user.new'>): Promise<OrgReply> {
    const now = this.clock();
    const userId = body.user_id ?? randomUUID();
    const { user_id: _userId, teams = [], ...settings } = body;
    const { row, hashes } = await this.dataSource.transaction(async (manager) => {
      const inserted = await this.store.insertUser(manager, userId, userColumns(null, settings), now);
      for (const teamId of teams) {
        await this.store.teamOrFail(manager, teamId);
        await this.store.setMember(manager, { team_id: teamId, user_id: userId, role: 'member' });
      }
      // keys may name a user before it exists (or after it was deleted): they get its limits now
      return { row: inserted, hashes: await this.store.keyHashes(manager, { userId }) };
    });
    if (row.max_budget !== null) await this.seed([await this.spendOf('user', row, now)]);
    if (hashes.length > 0) this.announce(hashes, 'updated');
    return this.userView(row);
  }

  private async changeUser(userId: string, settings: UserSettings): Promise<OrgReply> {
    const now = this.clock();
    const { before, after, recounted, hashes } = await this.dataSource.transaction(async (manager) => {
      const before = await this.store.userOrFail(manager, userId, true);
      const after = await this.store.updateUser(manager, userId, userColumns(before, settings), now);
      const recounted =
        before.budget_duration === after.budget_duration
          ? null
          : await this.recount(manager, 'user', after, now);
      return { before, after, recounted, hashes: await this.store.keyHashes(manager, { userId }) };
    });
    // the counter first: a replica that reloads the key on the broadcast finds the spend in place
    if (recounted) await this.seed([recounted]);
    else if (after.max_budget !== null && before.max_budget === null) {
      await this.seed([await this.spendOf('user', after, now)]);
    }
    this.announce(hashes, 'updated');
    return this.userView(after);
  }

  /** Deletes the users and their memberships; their keys keep working, without the user's budget and models. */
  private async deleteUsers(userIds: readonly string[]): Promise<OrgReply> {
    const hashes = await this.dataSource.transaction(async (manager) => {
      const hashes: string[] = [];
      for (const userId of userIds) {
        await this.store.userOrFail(manager, userId, true);
        await this.store.deleteUser(manager, userId);
        hashes.push(...(await this.store.keyHashes(manager, { userId })));
      }
      return hashes;
    });
    this.announce(hashes, 'updated');
    return { deleted_users: userIds };
  }

  private async userInfo(userId: string): Promise<OrgReply> {
    const manager = this.dataSource.manager;
    const row = await this.store.userOrFail(manager, userId);
    const keys: { key_id: string; key_hash: string; key_alias: string | null; team_id: string | null }[] =
      await manager.query(
        `SELECT key_id, key_hash, key_alias, team_id FROM virtual_keys WHERE user_id = $1 ORDER BY created_at`,
        [userId],
      );
    const view = await this.userView(row);
    return {
      user_id: userId,
      user_info: view,
      keys: keys.map((key) => ({
        key_id: key.key_id,
        token: key.key_hash,
        key_alias: key.key_alias,
        team_id: key.team_id,
      })),
      teams: view.teams,
    };
  }

  private async listUsers(): Promise<OrgReply> {
    const rows = await this.store.users(this.dataSource.manager);
    return { users: await Promise.all(rows.map((row) => this.userView(row))), total: rows.length };
  }

  private async newCustomer(body: Op<'customer.new'>): Promise<OrgReply> {
    const now = this.clock();
    const row = await this.store.insertCustomer(this.dataSource.manager, {
      user_id: body.user_id,
      alias: body.alias ?? null,
      max_budget: body.max_budget ?? null,
      budget_duration: body.budget_duration ?? null,
      blocked: body.blocked ?? false,
      metadata: body.metadata ?? {},
      created_at: now,
      updated_at: now,
    });
    if (row.max_budget !== null) await this.seed([await this.spendOf('customer', row, now)]);
    if (row.max_budget !== null || row.blocked)
      await this.counters.publishCustomerLimits([customerLimits(row)]);
    return this.customerView(row);
  }

  private async customerInfo(userId: string): Promise<OrgReply> {
    const row = await this.store.customer(this.dataSource.manager, userId);
    if (!row) throw notFound('customer', userId);
    return this.customerView(row);
  }

  /**
   * LiteLLM's `/tag/new`: the tag, its spend counter (a tag's spend counts from its creation) and
   * its limits in Redis, which every ingress reads at admission (cached for a second).
   */
  private async newTag(body: Op<'tag.new'>): Promise<OrgReply> {
    const now = this.clock();
    const { name, ...settings } = body;
    const row = await this.store.insertTag(this.dataSource.manager, name, tagColumns(null, settings), now);
    if (row.max_budget !== null) await this.seed([await this.tagSpend(row, now)]);
    await this.counters.publishTagLimits([tagLimits(row)]);
    return { message: `Tag ${name} created successfully`, tag: (await this.tagViews([row]))[0] };
  }

  private async changeTag(name: string, settings: TagSettings): Promise<OrgReply> {
    const now = this.clock();
    const { before, after, recounted } = await this.dataSource.transaction(async (manager) => {
      const before = await this.store.tagOrFail(manager, name, true);
      const after = await this.store.updateTag(manager, name, tagColumns(before, settings), now);
      const recounted =
        before.budget_duration === after.budget_duration ? null : await this.recountTag(manager, after, now);
      return { before, after, recounted };
    });
    // the counter first: an ingress that reads the new limits finds the spend in place
    if (recounted) await this.seed([recounted]);
    else if (after.max_budget !== null && before.max_budget === null) {
      await this.seed([await this.tagSpend(after, now)]);
    }
    await this.counters.publishTagLimits([tagLimits(after)]);
    return { message: `Tag ${name} updated successfully`, tag: (await this.tagViews([after]))[0] };
  }

  /** LiteLLM's `/tag/info`: the named tags keyed by name; any missing is a 404 naming them. */
  private async tagInfo(names: readonly string[]): Promise<OrgReply> {
    const rows = await this.store.tagsNamed(this.dataSource.manager, names);
    const found = new Set(rows.map((row) => row.name));
    const missing = [...new Set(names)].filter((name) => !found.has(name));
    if (missing.length > 0) {
      throw GatewayError.notFound(
        `Tags not found: ${missing.map((name) => `'${name}'`).join(', ')}`,
        'names',
        'tag_not_found',
      );
    }
    const views = await this.tagViews(rows);
    return Object.fromEntries(views.map((view) => [view.name, view]));
  }

  private async listTags(): Promise<OrgReply> {
    const rows = await this.store.tags(this.dataSource.manager);
    // the reply of the bus is an object; the controller answers with the list, as LiteLLM does
    return { tags: await this.tagViews(rows) };
  }

  /**
   * Deletes the tag and its spend; its limits leave Redis before the row goes (a Redis that cannot
   * be reached fails the delete, so no ingress keeps holding calls to a tag that no longer exists).
   */
  private async deleteTag(name: string): Promise<OrgReply> {
    const now = this.clock();
    await this.dataSource.transaction(async (manager) => {
      const row = await this.store.tagOrFail(manager, name, true);
      await this.counters.publishTagLimits([{ name, limits: null, forget: tagWindow(row, now) }]);
      await this.store.deleteTag(manager, row);
    });
    return { message: `Tag ${name} deleted successfully` };
  }

  /** The tags as LiteLLM shows them, their spends in their current windows read in one query. */
  private async tagViews(rows: readonly TagRow[]): Promise<Tag[]> {
    const now = this.clock();
    const windows = rows.map((row) => tagWindow(row, now));
    const spends = await this.keys.windowSpends(
      this.dataSource.manager,
      windows.map(({ scopeId, window }) => ({ keyId: scopeId, window })),
    );
    return rows.map((row, index) => {
      const { scopeId, window } = windows[index];
      return this.tagView(row, {
        spend: Number(spends.get(scopeId) ?? 0),
        resetAt: window.endMs === ALL_TIME_END_MS ? null : new Date(window.endMs).toISOString(),
      });
    });
  }

  private tagView(row: TagRow, { spend, resetAt }: { spend: number; resetAt: string | null }): Tag {
    const budget: TagBudget = {
      max_budget: row.max_budget === null ? null : Number(row.max_budget),
      soft_budget: row.soft_budget === null ? null : Number(row.soft_budget),
      budget_duration: row.budget_duration,
      rpm_limit: row.rpm_limit,
      tpm_limit: row.tpm_limit,
      max_parallel_requests: row.max_parallel_requests,
      budget_reset_at: resetAt,
    };
    const hasBudget =
      budget.max_budget !== null ||
      budget.soft_budget !== null ||
      budget.budget_duration !== null ||
      budget.rpm_limit !== null ||
      budget.tpm_limit !== null ||
      budget.max_parallel_requests !== null;
    return {
      name: row.name,
      description: row.description,
      models: row.models,
      model_info: {},
      created_by: null,
      ...budget,
      spend,
      litellm_budget_table: hasBudget ? budget : null,
      created_at: row.created_at.toISOString(),
      updated_at: row.updated_at.toISOString(),
    };
  }

  private async tagSpend(row: TagRow, now: Date): Promise<ScopeSpend> {
    const { scopeId, window } = tagWindow(row, now);
    const spends = await this.keys.windowSpends(this.dataSource.manager, [{ keyId: scopeId, window }]);
    return { keyId: scopeId, window, spendUsd: spends.get(scopeId) ?? '0' };
  }

  private async recountTag(manager: EntityManager, row: TagRow, now: Date): Promise<ScopeSpend> {
    const { scopeId, window } = tagWindow(row, now);
    return { keyId: scopeId, window, spendUsd: await this.store.recountTag(manager, row, window) };
  }

  private async join(manager: EntityManager, teamId: string, member: TeamMember, now: Date): Promise<void> {
    await this.store.ensureUser(manager, member.user_id, now);
    await this.store.setMember(manager, { team_id: teamId, user_id: member.user_id, role: member.role });
  }

  private async teamView(row: TeamRow): Promise<Team> {
    const members = await this.store.members(this.dataSource.manager, [row.team_id]);
    const { spend, resetAt } = await this.currentSpend(budgetScopeId('team', row.team_id), row);
    return {
      team_id: row.team_id,
      team_alias: row.team_alias,
      models: row.models,
      max_budget: row.max_budget === null ? null : Number(row.max_budget),
      budget_duration: row.budget_duration,
      rpm_limit: row.rpm_limit,
      tpm_limit: row.tpm_limit,
      max_parallel_requests: row.max_parallel_requests,
      tags: row.tags,
      metadata: row.metadata,
      blocked: row.blocked,
      members_with_roles: members.map((member: MemberRow) => ({
        user_id: member.user_id,
        role: member.role,
      })),
      spend,
      budget_reset_at: resetAt,
      created_at: row.created_at.toISOString(),
      updated_at: row.updated_at.toISOString(),
    };
  }

  private async userView(row: UserRow): Promise<InternalUser> {
    const memberships = await this.store.membershipsOf(this.dataSource.manager, row.user_id);
    const { spend, resetAt } = await this.currentSpend(budgetScopeId('user', row.user_id), row);
    return {
      user_id: row.user_id,
      user_email: row.user_email,
      user_alias: row.user_alias,
      models: row.models,
      max_budget: row.max_budget === null ? null : Number(row.max_budget),
      budget_duration: row.budget_duration,
      metadata: row.metadata,
      teams: memberships.map((member) => ({ team_id: member.team_id, role: member.role })),
      spend,
      budget_reset_at: resetAt,
      created_at: row.created_at.toISOString(),
      updated_at: row.updated_at.toISOString(),
    };
  }

  private async customerView(row: CustomerRow): Promise<Customer> {
    const { spend, resetAt } = await this.currentSpend(budgetScopeId('customer', row.user_id), row);
    return {
      user_id: row.user_id,
      alias: row.alias,
      max_budget: row.max_budget === null ? null : Number(row.max_budget),
      budget_duration: row.budget_duration,
      blocked: row.blocked,
      metadata: row.metadata,
      spend,
      budget_reset_at: resetAt,
      created_at: row.created_at.toISOString(),
    };
  }

  private async currentSpend(
    scopeId: string,
    row: { created_at: Date; budget_duration: string | null },
  ): Promise<{ spend: number; resetAt: string | null }> {
    const window = keyBudgetWindow(row.created_at.toISOString(), row.budget_duration, this.clock().getTime());
    const spends = await this.keys.windowSpends(this.dataSource.manager, [{ keyId: scopeId, window }]);
    return {
      spend: Number(spends.get(scopeId) ?? 0),
      resetAt: window.endMs === ALL_TIME_END_MS ? null : new Date(window.endMs).toISOString(),
    };
  }

  private async spendOf(
    kind: 'team' | 'user' | 'customer',
    row: TeamRow | UserRow | CustomerRow,
    now: Date,
  ): Promise<ScopeSpend> {
    const scopeId = budgetScopeId(kind, 'team_id' in row ? row.team_id : row.user_id);
    const window = keyBudgetWindow(row.created_at.toISOString(), row.budget_duration, now.getTime());
    const spends = await this.keys.windowSpends(this.dataSource.manager, [{ keyId: scopeId, window }]);
    return { keyId: scopeId, window, spendUsd: spends.get(scopeId) ?? '0' };
  }

  private async recount(
    manager: EntityManager,
    kind: 'team' | 'user',
    row: TeamRow | UserRow,
    now: Date,
  ): Promise<ScopeSpend> {
    const id = 'team_id' in row ? row.team_id : row.user_id;
    const scopeId = budgetScopeId(kind, id);
    const window = keyBudgetWindow(row.created_at.toISOString(), row.budget_duration, now.getTime());
    const spendUsd = await this.store.recountScope(
      manager,
      scopeId,
      kind === 'team' ? 'team_id' : 'user_id',
      id,
      window,
    );
    return { keyId: scopeId, window, spendUsd };
  }

  private async seed(spends: readonly ScopeSpend[]): Promise<void> {
    await this.counters.seed(spends);
  }

  private announce(keyHashes: readonly string[], reason: KeysChanged['reason']): void {
    for (const keyHash of new Set(keyHashes))
      this.bus.publishEvent(Subjects.keysChanged, { keyHash, reason });
  }
}

export function customerLimits(row: CustomerRow): { userId: string; limits: CustomerLimitsRecord } {
  return {
    userId: row.user_id,
    limits: {
      max_budget: row.max_budget === null ? null : Number(row.max_budget),
      budget_duration: row.budget_duration,
      blocked: row.blocked,
      created_at: row.created_at.toISOString(),
    },
  };
}

/** The scope id of a tag's life (`tagScopeId`) and its budget window at `now`. */
function tagWindow(row: TagRow, now: Date): { scopeId: string; window: BudgetWindow } {
  return {
    scopeId: tagScopeId(row.name, row.created_at),
    window: keyBudgetWindow(row.created_at.toISOString(), row.budget_duration, now.getTime()),
  };
}

/** The limits of a tag the ingress holds calls to, or null when it has none. */
export function tagLimits(row: TagRow): { name: string; limits: TagLimitsRecord | null } {
  const limits = scopeLimits(row);
  return { name: row.name, limits: hasLimits(limits) ? limits : null };
}

function tagColumns(before: TagRow | null, settings: TagSettings): TagColumns {
  const keep = <T>(value: T | undefined, previous: T): T => (value === undefined ? previous : value);
  const amount = (text: string | null | undefined) => (text == null ? null : Number(text));
  return {
    description: keep(settings.description, before?.description ?? null),
    models: keep(settings.models, before?.models ?? []) ?? [],
    max_budget: keep(settings.max_budget, amount(before?.max_budget)),
    soft_budget: keep(settings.soft_budget, amount(before?.soft_budget)),
    budget_duration: keep(settings.budget_duration, before?.budget_duration ?? null),
    rpm_limit: keep(settings.rpm_limit, before?.rpm_limit ?? null),
    tpm_limit: keep(settings.tpm_limit, before?.tpm_limit ?? null),
    max_parallel_requests: keep(settings.max_parallel_requests, before?.max_parallel_requests ?? null),
  };
}

function teamColumns(before: TeamRow | null, settings: TeamSettings): TeamColumns {
  const keep = <T>(value: T | undefined, previous: T): T => (value === undefined ? previous : value);
  return {
    team_alias: keep(settings.team_alias, before?.team_alias ?? null),
    models: keep(settings.models, before?.models ?? []),
    max_budget: keep(settings.max_budget, before?.max_budget == null ? null : Number(before.max_budget)),
    budget_duration: keep(settings.budget_duration, before?.budget_duration ?? null),
    rpm_limit: keep(settings.rpm_limit, before?.rpm_limit ?? null),
    tpm_limit: keep(settings.tpm_limit, before?.tpm_limit ?? null),
    max_parallel_requests: keep(settings.max_parallel_requests, before?.max_parallel_requests ?? null),
    tags: keep(settings.tags, before?.tags ?? []),
    metadata: keep(settings.metadata, before?.metadata ?? {}) ?? {},
    blocked: keep(settings.blocked, before?.blocked ?? false),
  };
}

function userColumns(before: UserRow | null, settings: UserSettings): UserColumns {
  const keep = <T>(value: T | undefined, previous: T): T => (value === undefined ? previous : value);
  return {
    user_email: keep(settings.user_email, before?.user_email ?? null),
    user_alias: keep(settings.user_alias, before?.user_alias ?? null),
    models: keep(settings.models, before?.models ?? []),
    max_budget: keep(settings.max_budget, before?.max_budget == null ? null : Number(before.max_budget)),
    budget_duration: keep(settings.budget_duration, before?.budget_duration ?? null),
    metadata: keep(settings.metadata, before?.metadata ?? {}) ?? {},
  };
}
