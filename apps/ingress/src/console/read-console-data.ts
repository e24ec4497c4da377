import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { BusClient } from '@switchyard/bus';
import type { GatewayConfiguration } from '@switchyard/config';
import {
  type SpendDaily,
  SpendDailyQuery,
  type SpendLatency,
  SpendLatencyQuery,
  type SpendLogsPage,
  Subjects,
  type VirtualKeyInfo,
} from '@switchyard/contracts';
import { KeyHasher } from '../auth/key-hasher';
import type { Caller } from '../http/request-context';
import { keyRefOf } from '../admin/key-ref';
import { parseAdminInput } from '../admin/parse-admin-input';
import { ReadSpend } from '../admin/read-spend';
import { GATEWAY_CONFIGURATION, REDIS } from '../infrastructure/tokens';
import { UNTIL_KEY_PREFIX } from '../routing/deployment-cooldowns';

const CONSOLE_TIMEOUT_MS = 30_000;
const DEFAULT_DAYS = 30;
const DAY_MS = 86_400_000;

/** `GET /health/latency`: the ledger's percentiles, and which deployments are cooling down now. */
export type DeploymentLatencyReport = SpendLatency & {
  /** from the cooldown keys the dispatchers set in Redis; null when Redis did not answer. */
  cooldowns: { deployment_id: string; until: string }[] | null;
};

/** Who signed in to the console: the master key (everything) or one virtual key (its own usage). */
export type ConsoleIdentity = { role: 'master' } | { role: 'virtual'; key: VirtualKeyInfo };

/**
 * The reads the console needs beyond the admin API: per-day spend breakdowns, recent latency per
 * deployment, and a virtual key's view of itself. A virtual key is always narrowed to its own
 * usage, whatever it asks for.
 */
@Injectable()
export class ReadConsoleData {
  constructor(
    @Inject(BusClient) private readonly bus: BusClient,
    @Inject(KeyHasher) private readonly hasher: KeyHasher,
    @Inject(ReadSpend) private readonly readSpend: ReadSpend,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(GATEWAY_CONFIGURATION) private readonly configuration: GatewayConfiguration,
  ) {}

  async identity(caller: Caller): Promise<ConsoleIdentity> {
    if (caller.kind === 'master') return { role: 'master' };
    const key = await this.bus.request(
      Subjects.keysInfo,
      { ref: { by: 'id', value: caller.keyId } },
      { timeoutMs: CONSOLE_TIMEOUT_MS },
    );
    return { role: 'virtual', key };
  }

  async daily(query: unknown, caller: Caller): Promise<SpendDaily> {
    const request = parseAdminInput(SpendDailyQuery, query);
    const endDate = request.end_date ?? new Date().toISOString().slice(0, 10);
    const startDate =
      request.start_date ??
      new Date(Date.parse(`${endDate}T00:00:00Z`) - (DEFAULT_DAYS - 1) * DAY_MS).toISOString().slice(0, 10);
    const key =
      caller.kind === 'virtual'
        ? { by: 'id' as const, value: caller.keyId }
        : request.key === undefined
          ? null
          : keyRefOf(request.key, this.hasher);
    return this.bus.request(
      Subjects.spendDaily,
      { startDate, endDate, key },
      { timeoutMs: CONSOLE_TIMEOUT_MS },
    );
  }

  /** `/spend/logs` for the caller: a virtual key sees its own rows only. */
  async ownLogs(query: unknown, caller: Caller): Promise<SpendLogsPage> {
    if (caller.kind === 'master') return this.readSpend.logs(query);
    const { api_key: _apiKey, ...rest } = (query ?? {}) as Record<string, unknown>;
    return this.readSpend.logs({ ...rest, key: caller.keyId });
  }

  async latency(query: unknown): Promise<DeploymentLatencyReport> {
    const { minutes } = parseAdminInput(SpendLatencyQuery, query);
    const [latency, cooldowns] = await Promise.all([
      this.bus.request(Subjects.spendLatency, { minutes }, { timeoutMs: CONSOLE_TIMEOUT_MS }),
      this.cooldowns().catch(() => null),
    ]);
    return { ...latency, cooldowns };
  }

  private async cooldowns(): Promise<{ deployment_id: string; until: string }[]> {
    const ids = this.configuration.deployments.map((deployment) => deployment.id);
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.pttl(`${UNTIL_KEY_PREFIX}${id}`);
    const replies = (await pipeline.exec()) ?? [];
    const now = Date.now();
    return ids.flatMap((id, index) => {
      const [error, remainingMs] = replies[index] ?? [null, -2];
      if (error || typeof remainingMs !== 'number' || remainingMs <= 0) return [];
      return [{ deployment_id: id, until: new Date(now + remainingMs).toISOString() }];
    });
  }
}
