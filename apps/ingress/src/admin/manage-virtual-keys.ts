import { Inject, Injectable } from '@nestjs/common';
import { BusClient } from '@switchyard/bus';
import {
  GatewayError,
  KeyBlockRequest,
  KeyDeleteRequest,
  KeyGenerateRequest,
  KeyInfoQuery,
  KeyListQuery,
  type KeyRef,
  KeyRegenerateRequest,
  KeyUpdateRequest,
  Subjects,
  type VirtualKeyInfo,
} from '@switchyard/contracts';
import { KeyHasher } from '../auth/key-hasher';
import { VirtualKeys } from '../auth/virtual-keys';
import { keyRefOf } from './key-ref';
import { parseAdminInput } from './parse-admin-input';
import { TeamAdminScope } from './team-admin-scope';

const ADMIN_TIMEOUT_MS = 15_000;
const ALL_KEYS = TeamAdminScope.of(null);

/** A key as handed out once: its record and the key itself. */
export type MintedKeyInfo = VirtualKeyInfo & { key: string };

/**
 * The ingress side of the key API: validates LiteLLM-shaped input, makes and hashes keys (the key
 * is returned to the admin once and never sent anywhere else), and asks the ledger to store or
 * change the record. A team admin's key (`TeamAdminScope`) reaches only its teams' keys. Changes are broadcast by the ledger; this replica also forgets its own
 * cached record at once.
 */
@Injectable()
export class ManageVirtualKeys {
  constructor(
    @Inject(BusClient) private readonly bus: BusClient,
    @Inject(KeyHasher) private readonly hasher: KeyHasher,
    @Inject(VirtualKeys) private readonly virtualKeys: VirtualKeys,
  ) {}

  async generate(body: unknown, scope: TeamAdminScope = ALL_KEYS): Promise<MintedKeyInfo> {
    const settings = parseAdminInput(KeyGenerateRequest, body);
    scope.check(settings.team_id);
    const minted = this.hasher.mint();
    const info = await this.bus.request(
      Subjects.keysGenerate,
      { settings, keyHash: minted.keyHash, keyName: minted.keyName },
      { timeoutMs: ADMIN_TIMEOUT_MS },
    );
    return { ...info, key: minted.key };
  }

  async update(body: unknown, scope: TeamAdminScope = ALL_KEYS): Promise<VirtualKeyInfo> {
    const { key, ...settings } = parseAdminInput(KeyUpdateRequest, body);
    const ref = keyRefOf(key, this.hasher);
    await this.checkScope(scope, ref);
    if (settings.team_id !== undefined) scope.check(settings.team_id);
    const info = await this.bus.request(
      Subjects.keysUpdate,
      { ref, settings },
      { timeoutMs: ADMIN_TIMEOUT_MS },
    );
    this.virtualKeys.forget(info.token);
    return info;
  }

  /** LiteLLM's `/key/block` and `/key/unblock`: the key stays, every replica refuses it (401) until unblocked. */
  async setBlocked(
    body: unknown,
    blocked: boolean,
    scope: TeamAdminScope = ALL_KEYS,
  ): Promise<VirtualKeyInfo> {
    const { key } = parseAdminInput(KeyBlockRequest, body);
    return this.update({ key, blocked }, scope);
  }

  async regenerate(
    body: unknown,
    keyInPath: string | null,
    scope: TeamAdminScope = ALL_KEYS,
  ): Promise<MintedKeyInfo> {
    const { key: keyInBody, ...settings } = parseAdminInput(KeyRegenerateRequest, body);
    const key = keyInPath ?? keyInBody;
    if (!key)
      throw GatewayError.invalidRequest("Missing required parameter: 'key'.", 'key', 'missing_parameter');
    const ref = keyRefOf(key, this.hasher);
    await this.checkScope(scope, ref);
    if (settings.team_id !== undefined) scope.check(settings.team_id);
    const minted = this.hasher.mint();
    const info = await this.bus.request(
      Subjects.keysRegenerate,
      { ref, settings, keyHash: minted.keyHash, keyName: minted.keyName },
      { timeoutMs: ADMIN_TIMEOUT_MS },
    );
    if (ref.by === 'hash') this.virtualKeys.forget(ref.value);
    return { ...info, key: minted.key };
  }

  async delete(
    body: unknown,
    scope: TeamAdminScope = ALL_KEYS,
  ): Promise<{
    deleted_keys: string[];
    deleted: { key_id: string; token: string; key_alias: string | null }[];
  }> {
    const request = parseAdminInput(KeyDeleteRequest, body);
    const refs: KeyRef[] = [
      ...(request.keys ?? []).map((key) => keyRefOf(key, this.hasher)),
      ...(request.key_aliases ?? []).map((alias): KeyRef => ({ by: 'alias', value: alias })),
    ];
    for (const ref of refs) await this.checkScope(scope, ref);
    const { deleted } = await this.bus.request(
      Subjects.keysDelete,
      { refs },
      { timeoutMs: ADMIN_TIMEOUT_MS },
    );
    for (const item of deleted) this.virtualKeys.forget(item.token);
    return { deleted_keys: deleted.map((item) => item.token), deleted };
  }

  /** 403 unless the scope may manage this existing key (its team is one the caller administers). */
  private async checkScope(scope: TeamAdminScope, ref: KeyRef): Promise<void> {
    if (scope.unrestricted) return;
    const info = await this.bus.request(Subjects.keysInfo, { ref }, { timeoutMs: ADMIN_TIMEOUT_MS });
    scope.check(info.team_id);
  }

  async info(
    query: unknown,
    scope: TeamAdminScope = ALL_KEYS,
  ): Promise<{ key: string; info: VirtualKeyInfo }> {
    const { key } = parseAdminInput(KeyInfoQuery, query);
    const info = await this.bus.request(
      Subjects.keysInfo,
      { ref: keyRefOf(key, this.hasher) },
      { timeoutMs: ADMIN_TIMEOUT_MS },
    );
    scope.check(info.team_id);
    return { key: info.token, info };
  }

  async list(
    query: unknown,
    scope: TeamAdminScope = ALL_KEYS,
  ): Promise<{
    keys: string[] | VirtualKeyInfo[];
    total_count: number;
    current_page: number;
    total_pages: number;
  }> {
    const request = parseAdminInput(KeyListQuery, query);
    // a team admin lists the keys of one of its teams (the only one, unless it names which)
    const teamId = request.team_id ?? (scope.managedTeams?.length === 1 ? scope.managedTeams[0] : undefined);
    scope.check(teamId);
    const page = await this.bus.request(
      Subjects.keysList,
      {
        page: request.page,
        size: request.size,
        userId: request.user_id ?? null,
        keyAlias: request.key_alias ?? null,
        teamId: teamId ?? null,
      },
      { timeoutMs: ADMIN_TIMEOUT_MS },
    );
    return { ...page, keys: request.return_full_object ? page.keys : page.keys.map((key) => key.token) };
  }
}
