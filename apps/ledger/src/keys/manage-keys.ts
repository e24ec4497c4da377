import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { BusClient } from '@switchyard/bus';
import {
  addDuration,
  type KeyDeleteMessage,
  type KeyDeleteReply,
  type KeyGenerateMessage,
  type KeyListMessage,
  type KeyListReply,
  type KeyLookupReply,
  type KeyRef,
  type KeyRegenerateMessage,
  type KeySettings,
  type KeysChanged,
  type KeyUpdateMessage,
  keyBudgetWindow,
  parseDuration,
  Subjects,
  type VirtualKeyInfo,
} from '@switchyard/contracts';
import {
  currentWindowOf,
  type KeyColumns,
  type KeyRow,
  KeyStore,
  toKeyInfo,
  toVirtualKey,
} from '../database/key-store';
import { customerLimits, tagLimits } from '../org/manage-org';
import { OrgStore } from '../org/org-store';
import { checkTeamScope, toKeyTeam, toUserLimits } from '../org/team-scope';
import { CLOCK, DATA_SOURCE } from '../infrastructure/tokens';
import { SpendCounters } from '../spend/spend-counters';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The key API of the ledger: every change in one transaction, then `keys.changed.v1` so every
 * ingress drops its cached record of the old hash at once, then the key's spend counter (a changed
 * budget duration recounts the current window from the usage rows, under the key's row lock).
 */
@Injectable()
export class ManageKeys {
  private readonly store = new KeyStore();
  private readonly org = new OrgStore();

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(BusClient) private readonly bus: BusClient,
    @Inject(SpendCounters) private readonly counters: SpendCounters,
    @Optional() @Inject(CLOCK) private readonly clock: () => Date = () => new Date(),
  ) {}

  async generate(message: KeyGenerateMessage): Promise<VirtualKeyInfo> {
    const now = this.clock();
    const row = await this.dataSource.transaction(async (manager) => {
      const columns = applySettings(null, message.settings, now);
      await checkTeamScope(manager, this.org, columns);
      return this.store.insert(
        manager,
        { keyId: randomUUID(), keyHash: message.keyHash, keyName: message.keyName, now },
        columns,
      );
    });
    return toKeyInfo(row, undefined, 0, now.getTime());
  }

  async update(message: KeyUpdateMessage): Promise<VirtualKeyInfo> {
    const { before, after } = await this.change(message.ref, message.settings, null);
    this.announce(before.key_hash, !before.blocked && after.blocked ? 'blocked' : 'updated');
    return this.infoOf(after);
  }

  async regenerate(message: KeyRegenerateMessage): Promise<VirtualKeyInfo> {
    const { before, after } = await this.change(message.ref, message.settings, {
      keyHash: message.keyHash,
      keyName: message.keyName,
    });
    this.announce(before.key_hash, 'regenerated');
    return this.infoOf(after);
  }

  async delete(message: KeyDeleteMessage): Promise<KeyDeleteReply> {
    const deleted = await this.dataSource.transaction(async (manager) => {
      const rows = new Map<string, KeyRow>();
      for (const ref of message.refs) {
        const row = await this.store.findOrFail(manager, ref, true);
        rows.set(row.key_id, row);
      }
      await this.store.delete(manager, [...rows.keys()]);
      return [...rows.values()];
    });
    for (const row of deleted) this.announce(row.key_hash, 'deleted');
    return {
      deleted: deleted.map((row) => ({ key_id: row.key_id, token: row.key_hash, key_alias: row.key_alias })),
    };
  }

  async info(ref: KeyRef): Promise<VirtualKeyInfo> {
    return this.infoOf(await this.store.findOrFail(this.dataSource.manager, ref));
  }

  async list(message: KeyListMessage): Promise<KeyListReply> {
    const manager = this.dataSource.manager;
    const { rows, total } = await this.store.page(
      manager,
      { userId: message.userId, keyAlias: message.keyAlias, teamId: message.teamId ?? null },
      message.page,
      message.size,
    );
    return {
      keys: await this.infosOf(manager, rows),
      total_count: total,
      current_page: message.page,
      total_pages: Math.ceil(total / message.size),
    };
  }

  /** The key, its team and its internal user's limits, and the teams its user administers. */
  async lookup(keyHash: string): Promise<KeyLookupReply> {
    const manager = this.dataSource.manager;
    const row = await this.store.find(manager, { by: 'hash', value: keyHash });
    if (row === null) return { key: null };
    const team = row.team_id === null ? null : await this.org.team(manager, row.team_id);
    const user = row.user_id === null ? null : await this.org.user(manager, row.user_id);
    const memberships = row.user_id === null ? [] : await this.org.membershipsOf(manager, row.user_id);
    return {
      key: toVirtualKey(row),
      team: team === null ? null : toKeyTeam(team),
      user: user === null ? null : toUserLimits(user),
      adminOfTeams: memberships.filter((member) => member.role === 'admin').map((member) => member.team_id),
    };
  }

  /**
   * Reseeds the spend counter of every key with a budget from Postgres (start, then periodically),
   * and releases its settled reservations whose event Postgres already stores (a release the
   * ledger lost: it crashed between its commit and Redis, or dropped it while Redis was away).
   * The events are looked up before the spends are read, so a released cost is in its counter.
   */
  async reseedCounters(): Promise<number> {
    const manager = this.dataSource.manager;
    const nowMs = this.clock().getTime();
    const windows = [
      ...(await this.store.budgeted(manager)).map((row) => ({
        keyId: row.key_id,
        window: currentWindowOf(row, nowMs),
      })),
      // teams, internal users, customers and tags with a budget: their counters are kept the same way
      ...(await this.org.budgetedScopes(manager)).map((row) => ({
        keyId: row.scope_id,
        window: keyBudgetWindow(row.created_at.toISOString(), row.budget_duration, nowMs),
      })),
    ];
    // Redis away: the counters are still seeded (and retried); the sweep waits for the next reseed
    const settled = await this.counters
      .settledReservations(windows.map((item) => item.keyId))
      .catch(() => []);
    const stored = await this.storedEvents(settled.map((reservation) => reservation.eventId));
    const spends = await this.store.windowSpends(manager, windows);
    await this.counters.seed(windows.map((item) => ({ ...item, spendUsd: spends.get(item.keyId) ?? '0' })));
    await this.counters
      .releaseCounted(settled.filter((reservation) => stored.has(reservation.eventId)))
      .catch(() => 0);
    const customers = await this.org.limitedCustomers(manager);
    await this.counters.publishCustomerLimits(customers.map(customerLimits)).catch(() => undefined);
    await this.republishTagLimits().catch(() => undefined);
    await this.store.forgetOldWindows(manager, nowMs, 7 * 24 * 3600_000);
    return windows.length;
  }

  /**
   * Writes the limits of every tag to Redis, a tag without limits losing its record, while holding
   * the rows `FOR SHARE`: a `/tag/update` or `/tag/delete` (`FOR UPDATE`) waits until this is written
   * instead of being overwritten by an older read, and a write a change lost after its commit (Redis
   * away) is repaired. Then the records of names no tag has any more are removed; a tag created
   * meanwhile under such a name gets its record back, read under the same lock.
   */
  private async republishTagLimits(): Promise<void> {
    const names = await this.dataSource.transaction(async (manager) => {
      const tags = await this.org.tagsForShare(manager);
      await this.counters.publishTagLimits(tags.map(tagLimits));
      return new Set(tags.map((tag) => tag.name));
    });
    const orphans = (await this.counters.tagLimitNames()).filter((name) => !names.has(name));
    if (orphans.length === 0) return;
    await this.dataSource.transaction(async (manager) => {
      await this.counters.publishTagLimits(orphans.map((name) => ({ name, limits: null })));
      const created = await this.org.tagsForShare(manager, orphans);
      await this.counters.publishTagLimits(created.map(tagLimits));
    });
  }

  private async storedEvents(eventIds: readonly string[]): Promise<Set<string>> {
    const uuids = eventIds.filter((eventId) => UUID.test(eventId));
    if (uuids.length === 0) return new Set();
    const rows: { event_id: string }[] = await this.dataSource.query(
      `SELECT event_id::text FROM usage_events WHERE event_id = ANY($1::uuid[])`,
      [uuids],
    );
    return new Set(rows.map((row) => row.event_id));
  }

  private async change(
    ref: KeyRef,
    settings: KeySettings,
    newIdentity: { keyHash: string; keyName: string } | null,
  ): Promise<{ before: KeyRow; after: KeyRow }> {
    const now = this.clock();
    const result = await this.dataSource.transaction(async (manager) => {
      const before = await this.store.findOrFail(manager, ref, true);
      const columns = applySettings(before, settings, now);
      if (settings.team_id !== undefined || settings.models !== undefined) {
        await checkTeamScope(manager, this.org, columns);
      }
      const after = await this.store.update(manager, before.key_id, columns, now, newIdentity);
      const recounted =
        before.budget_duration === after.budget_duration
          ? null
          : await this.recount(manager, after, now.getTime());
      return { before, after, recounted };
    });
    if (result.recounted) await this.counters.seed([result.recounted]);
    else if (result.after.max_budget !== null && result.before.max_budget === null) {
      await this.seedOne(result.after, now.getTime());
    }
    return result;
  }

  private async recount(manager: EntityManager, row: KeyRow, nowMs: number) {
    const window = currentWindowOf(row, nowMs);
    return {
      keyId: row.key_id,
      window,
      spendUsd: await this.store.recountWindow(manager, row.key_id, window),
    };
  }

  private async seedOne(row: KeyRow, nowMs: number): Promise<void> {
    const window = currentWindowOf(row, nowMs);
    const spends = await this.store.windowSpends(this.dataSource.manager, [{ keyId: row.key_id, window }]);
    await this.counters.seed([{ keyId: row.key_id, window, spendUsd: spends.get(row.key_id) ?? '0' }]);
  }

  private async infoOf(row: KeyRow): Promise<VirtualKeyInfo> {
    const [info] = await this.infosOf(this.dataSource.manager, [row]);
    return info;
  }

  private async infosOf(manager: EntityManager, rows: readonly KeyRow[]): Promise<VirtualKeyInfo[]> {
    const nowMs = this.clock().getTime();
    const windows = rows.map((row) => ({ keyId: row.key_id, window: currentWindowOf(row, nowMs) }));
    const [windowSpends, totalSpends] = await Promise.all([
      this.store.windowSpends(manager, windows),
      this.store.totalSpends(
        manager,
        rows.map((row) => row.key_id),
      ),
    ]);
    return rows.map((row) =>
      toKeyInfo(row, windowSpends.get(row.key_id), totalSpends.get(row.key_id) ?? 0, nowMs),
    );
  }

  private announce(keyHash: string, reason: KeysChanged['reason']): void {
    this.bus.publishEvent(Subjects.keysChanged, { keyHash, reason });
  }
}

/** The columns after applying settings: absent fields keep their value, null clears it. */
export function applySettings(before: KeyRow | null, settings: KeySettings, now: Date): KeyColumns {
  const keep = <T>(value: T | undefined, previous: T): T => (value === undefined ? previous : value);
  const duration = settings.duration;
  const expiresAt =
    duration === undefined
      ? (before?.expires_at ?? null)
      : duration === null
        ? null
        : new Date(addDuration(now.getTime(), parseDuration(duration)!));
  return {
    key_alias: keep(settings.key_alias, before?.key_alias ?? null),
    user_id: keep(settings.user_id, before?.user_id ?? null),
    team_id: keep(settings.team_id, before?.team_id ?? null),
    tags: keep(settings.tags, before?.tags ?? []),
    models: keep(settings.models, before?.models ?? []),
    max_budget: keep(settings.max_budget, before?.max_budget == null ? null : Number(before.max_budget)),
    budget_duration: keep(settings.budget_duration, before?.budget_duration ?? null),
    rpm_limit: keep(settings.rpm_limit, before?.rpm_limit ?? null),
    tpm_limit: keep(settings.tpm_limit, before?.tpm_limit ?? null),
    max_parallel_requests: keep(settings.max_parallel_requests, before?.max_parallel_requests ?? null),
    expires_at: expiresAt,
    blocked: keep(settings.blocked, before?.blocked ?? false),
    metadata: keep(settings.metadata, before?.metadata ?? {}) ?? {},
  };
}
