import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import {
  ALL_TIME_END_MS,
  type BudgetWindow,
  BudgetRedisKeys,
  budgetScopeId,
  type CustomerLimitsRecord,
  RESERVATION_VALUE_LUA,
  type TagLimitsRecord,
  COUNTED_MARKER_TTL_MS,
  type UsageEvent,
} from '@switchyard/contracts';
import { REDIS, SPEND_COUNTER_LISTENER } from '../infrastructure/tokens';
import type { KeyWindowSpend } from '../usage/usage-store';

/** Raises a spend counter to a total read from Postgres; never lowers it (totals only grow). */
const RAISE_SPEND = `
local current = tonumber(redis.call('GET', KEYS[1]) or '-1')
if tonumber(ARGV[1]) < current then return 0 end
if ARGV[2] == '0' then redis.call('SET', KEYS[1], ARGV[1]) else redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
return 1`;

/**
 * For each counted event (KEYS[4..] pairs of its `counted:` and `counted-attempt:` markers, ARGV
 * triples of call id, event id and attempt): release the call's reservation when it settled with
 * this event; otherwise, when the key has a budget (ARGV[2]) and no other settlement of the call is
 * held, leave both markers, so a later settlement of the call (in flight, or past its in-flight hold
 * and swept) releases instead of holding the cost again, and a later reservation for this attempt
 * is not made; and release what the call reserved for that attempt when its dispatcher went silent
 * (`<callId>#<attempt>`).
 */
const CLEAR_RESERVATIONS = `${RESERVATION_VALUE_LUA}
local released = 0
local function release(field, value)
  redis.call('HDEL', KEYS[1], field)
  redis.call('ZREM', KEYS[2], field)
  redis.call('INCRBYFLOAT', KEYS[3], -reservationAmount(value))
  released = released + 1
end
for index = 0, (#KEYS - 3) / 2 - 1 do
  local call = ARGV[index * 3 + 3]
  local event = ARGV[index * 3 + 4]
  local lost = call .. '#' .. ARGV[index * 3 + 5]
  local value = redis.call('HGET', KEYS[1], call)
  local settledWith = nil
  if value then settledWith = reservationEvent(value) end
  if settledWith == event then
    release(call, value)
  elseif settledWith == nil and (value or ARGV[2] == '1') then
    redis.call('SET', KEYS[index * 2 + 4], '1', 'PX', ARGV[1])
    redis.call('SET', KEYS[index * 2 + 5], '1', 'PX', ARGV[1])
  end
  local lostValue = redis.call('HGET', KEYS[1], lost)
  if lostValue then release(lost, lostValue) end
end
if redis.call('HLEN', KEYS[1]) == 0 then redis.call('DEL', KEYS[3]) end
return released`;

/**
 * Releases reservations (ARGV pairs of field and value) still holding the value they were read
 * with: settled reservations whose event Postgres already stores.
 */
const RELEASE_UNCHANGED = `${RESERVATION_VALUE_LUA}
local released = 0
for index = 1, #ARGV, 2 do
  local value = redis.call('HGET', KEYS[1], ARGV[index])
  if value == ARGV[index + 1] then
    redis.call('HDEL', KEYS[1], ARGV[index])
    redis.call('ZREM', KEYS[2], ARGV[index])
    redis.call('INCRBYFLOAT', KEYS[3], -reservationAmount(value))
    released = released + 1
  end
end
if redis.call('HLEN', KEYS[1]) == 0 then redis.call('DEL', KEYS[3]) end
return released`;

/** Counters are kept a day past their window's end (the ingress only reads the current one). */
const COUNTER_GRACE_MS = 24 * 3600_000;
const RETRY_MS = 1000;
const MAX_PENDING_CLEARS = 100_000;

interface CounterUpdate {
  redisKey: string;
  spendUsd: string;
  ttlMs: number;
}

interface ClearUpdate {
  keyId: string;
  budgeted: boolean;
  calls: { requestId: string; eventId: string; attempt: number }[];
}

export interface SpendCounterListener {
  onFailure?(error: Error): void;
}

/** A reservation settled with the cost of usage event `eventId`, as read from Redis. */
export interface SettledReservation {
  keyId: string;
  field: string;
  value: string;
  eventId: string;
}

/**
 * The Redis side of budgets, written by the ledger only: each key's spend per budget window (set
 * from the committed Postgres total, so a lost or repeated update heals at the next one), and the
 * release of the ingress' reservations once the real cost is counted. Runs after the commit and
 * never blocks ingestion: while Redis is unreachable the latest totals wait and are retried.
 */
@Injectable()
export class SpendCounters {
  private readonly logger = new Logger(SpendCounters.name);
  private readonly pendingCounters = new Map<string, CounterUpdate>();
  private pendingClears: ClearUpdate[] = [];
  private retryTimer: NodeJS.Timeout | null = null;
  private writing = 0;
  private failing = false;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SPEND_COUNTER_LISTENER) private readonly listener: SpendCounterListener = {},
  ) {
    redis.defineCommand('raiseSpend', { numberOfKeys: 1, lua: RAISE_SPEND });
    redis.defineCommand('clearReservations', { lua: CLEAR_RESERVATIONS });
    redis.defineCommand('releaseUnchanged', { lua: RELEASE_UNCHANGED });
  }

  /**
   * After a batch committed: the new window totals, the keyed events it stored and which of their
   * keys have a budget. The releases are made after the commit, so a crash can lose them: the
   * ledger's sweep (`settledReservations` + `releaseCounted`, at start and every minute) makes them.
   */
  apply(
    keyWindows: readonly KeyWindowSpend[],
    inserted: readonly UsageEvent[],
    budgetedKeyIds: readonly string[] = [],
    eventScopes: ReadonlyMap<string, readonly string[]> = new Map(),
  ): void {
    const budgeted = new Set(budgetedKeyIds);
    const nowMs = Date.now();
    for (const spend of keyWindows) this.queueCounter(spend.keyId, spend.window, spend.spendUsd, nowMs);
    const byKey = new Map<string, ClearUpdate>();
    for (const event of inserted) {
      // the key, and the team, user, customer and tag scopes with a budget the call reserved in too
      const scopeIds = [
        ...(event.keyId === null ? [] : [event.keyId]),
        ...(eventScopes.get(event.eventId) ?? []),
      ];
      for (const scopeId of scopeIds) {
        let clear = byKey.get(scopeId);
        if (!clear) {
          clear = { keyId: scopeId, budgeted: budgeted.has(scopeId), calls: [] };
          byKey.set(scopeId, clear);
        }
        clear.calls.push({ requestId: event.requestId, eventId: event.eventId, attempt: event.attempt });
      }
    }
    this.pendingClears.push(...byKey.values());
    this.boundPendingClears();
    void this.flush();
  }

  /** Sets counters from Postgres totals (start, periodic resync, a changed budget). */
  async seed(spends: readonly { keyId: string; window: BudgetWindow; spendUsd: string }[]): Promise<void> {
    const nowMs = Date.now();
    for (const spend of spends) this.queueCounter(spend.keyId, spend.window, spend.spendUsd, nowMs);
    await this.flush();
  }

  /** Writes the limits of end users, which the ingress reads at admission (start, reseed, a change). */
  async publishCustomerLimits(
    customers: readonly { userId: string; limits: CustomerLimitsRecord }[],
  ): Promise<void> {
    if (customers.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const customer of customers) {
      pipeline.set(
        BudgetRedisKeys.limits(budgetScopeId('customer', customer.userId)),
        JSON.stringify(customer.limits),
      );
    }
    for (const [error] of (await pipeline.exec()) ?? []) if (error !== null) throw error;
  }

  /** The names of the tags whose limits Redis holds (`limits:{tag:<name>}:settings`). */
  async tagLimitNames(): Promise<string[]> {
    const prefix = this.redis.options.keyPrefix ?? '';
    const head = `${prefix}${BudgetRedisKeys.limits(budgetScopeId('tag', ''))}`.replace(/\}:settings$/, '');
    const tail = '}:settings';
    const names: string[] = [];
    const stream = this.redis.scanStream({ match: `${globEscape(head)}*${tail}`, count: 500 });
    for await (const keys of stream as AsyncIterable<string[]>) {
      for (const key of keys) names.push(key.slice(head.length, key.length - tail.length));
    }
    return names;
  }

  /**
   * Writes the limits of tags, which the ingress reads at admission (start, reseed, a change); a
   * tag without limits (null), or deleted, loses its record, and `forget` drops its counters.
   */
  async publishTagLimits(
    tags: readonly {
      name: string;
      limits: TagLimitsRecord | null;
      /** the scope id of the tag's life (`tagScopeId`) and its current window. */
      forget?: { scopeId: string; window: BudgetWindow };
    }[],
  ): Promise<void> {
    if (tags.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const tag of tags) {
      const settings = BudgetRedisKeys.limits(budgetScopeId('tag', tag.name));
      if (tag.limits === null) pipeline.del(settings);
      else pipeline.set(settings, JSON.stringify(tag.limits));
      // a deleted tag's counter, reservations and rate windows go too (a tag created again under its
      // name has its own scope id, so this only frees the memory: nothing reads them any more)
      if (tag.forget) {
        const { scopeId, window } = tag.forget;
        const minute = Math.floor(Date.now() / 60_000);
        pipeline.del(
          BudgetRedisKeys.spend(scopeId, window),
          BudgetRedisKeys.reserved(scopeId),
          BudgetRedisKeys.reservedExpiry(scopeId),
          BudgetRedisKeys.reservedTotal(scopeId),
          BudgetRedisKeys.requests(scopeId),
          BudgetRedisKeys.parallel(scopeId),
          BudgetRedisKeys.tokens(scopeId, minute - 1),
          BudgetRedisKeys.tokens(scopeId, minute),
        );
      }
    }
    for (const [error] of (await pipeline.exec()) ?? []) if (error !== null) throw error;
  }

  /** The settled reservations (`<usd>|<eventId>`) of these keys. */
  async settledReservations(keyIds: readonly string[]): Promise<SettledReservation[]> {
    if (keyIds.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const keyId of keyIds) pipeline.hgetall(BudgetRedisKeys.reserved(keyId));
    const results = (await pipeline.exec()) ?? [];
    const settled: SettledReservation[] = [];
    results.forEach(([error, fields], index) => {
      if (error !== null) throw error;
      for (const [field, value] of Object.entries(fields as Record<string, string>)) {
        const bar = value.indexOf('|');
        if (bar >= 0) settled.push({ keyId: keyIds[index], field, value, eventId: value.slice(bar + 1) });
      }
    });
    return settled;
  }

  /** Releases these reservations, each only if it still holds the value it was read with. */
  async releaseCounted(reservations: readonly SettledReservation[]): Promise<number> {
    const byKey = new Map<string, string[]>();
    for (const reservation of reservations) {
      const pairs = byKey.get(reservation.keyId) ?? [];
      pairs.push(reservation.field, reservation.value);
      byKey.set(reservation.keyId, pairs);
    }
    if (byKey.size === 0) return 0;
    const pipeline = this.redis.pipeline();
    for (const [keyId, pairs] of byKey) {
      pipeline.releaseUnchanged(
        3,
        BudgetRedisKeys.reserved(keyId),
        BudgetRedisKeys.reservedExpiry(keyId),
        BudgetRedisKeys.reservedTotal(keyId),
        ...pairs,
      );
    }
    let released = 0;
    for (const [error, count] of (await pipeline.exec()) ?? []) {
      if (error !== null) throw error;
      released += Number(count);
    }
    return released;
  }

  /** True when every update so far reached Redis. */
  get settled(): boolean {
    return this.writing === 0 && !this.hasPending();
  }

  stop(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private queueCounter(keyId: string, window: BudgetWindow, spendUsd: string, nowMs: number): void {
    const redisKey = BudgetRedisKeys.spend(keyId, window);
    const previous = this.pendingCounters.get(redisKey);
    if (previous && Number(previous.spendUsd) > Number(spendUsd)) return;
    const ttlMs =
      window.endMs === ALL_TIME_END_MS ? 0 : Math.max(1000, window.endMs - nowMs + COUNTER_GRACE_MS);
    this.pendingCounters.set(redisKey, { redisKey, spendUsd, ttlMs });
  }

  /**
   * Past MAX_PENDING_CLEARS (Redis unreachable for long), the oldest releases are dropped, loudly:
   * the ledger's sweep of settled reservations whose event is stored makes them once Redis is back.
   */
  private boundPendingClears(): void {
    const excess = this.pendingClears.length - MAX_PENDING_CLEARS;
    if (excess <= 0) return;
    this.pendingClears = this.pendingClears.slice(excess);
    this.logger.warn(`${excess} reservation releases dropped from memory; the reservation sweep makes them`);
  }

  private hasPending(): boolean {
    return this.pendingCounters.size > 0 || this.pendingClears.length > 0;
  }

  private async flush(): Promise<void> {
    if (!this.hasPending()) return;
    const counters = [...this.pendingCounters.values()];
    const clears = this.pendingClears;
    this.pendingCounters.clear();
    this.pendingClears = [];
    const pipeline = this.redis.pipeline();
    for (const counter of counters) {
      pipeline.raiseSpend(counter.redisKey, counter.spendUsd, String(counter.ttlMs));
    }
    for (const clear of clears) {
      pipeline.clearReservations(
        3 + clear.calls.length * 2,
        BudgetRedisKeys.reserved(clear.keyId),
        BudgetRedisKeys.reservedExpiry(clear.keyId),
        BudgetRedisKeys.reservedTotal(clear.keyId),
        ...clear.calls.flatMap((call) => [
          BudgetRedisKeys.counted(clear.keyId, call.eventId),
          BudgetRedisKeys.countedAttempt(clear.keyId, call.requestId, call.attempt),
        ]),
        String(COUNTED_MARKER_TTL_MS),
        clear.budgeted ? '1' : '0',
        ...clear.calls.flatMap((call) => [call.requestId, call.eventId, String(call.attempt)]),
      );
    }
    let failure: Error | null;
    this.writing += 1;
    try {
      const results = (await pipeline.exec()) ?? [];
      failure = results.find(([error]) => error !== null)?.[0] ?? null;
    } catch (error) {
      failure = error as Error;
    } finally {
      this.writing -= 1;
    }
    if (failure === null) {
      if (this.failing) this.logger.log('spend counters reach Redis again');
      this.failing = false;
      return;
    }
    // keep what did not land (a newer total for the same counter wins) and retry
    for (const counter of counters) {
      const newer = this.pendingCounters.get(counter.redisKey);
      if (!newer || Number(newer.spendUsd) < Number(counter.spendUsd))
        this.pendingCounters.set(counter.redisKey, counter);
    }
    this.pendingClears = [...clears, ...this.pendingClears];
    this.boundPendingClears();
    this.listener.onFailure?.(failure);
    if (!this.failing) this.logger.warn(`spend counters cannot reach Redis (${failure.message}); retrying`);
    this.failing = true;
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.retryTimer !== null) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.flush();
    }, RETRY_MS);
    this.retryTimer.unref();
  }
}

declare module 'ioredis' {
  interface ChainableCommander {
    raiseSpend(key: string, spendUsd: string, ttlMs: string): ChainableCommander;
    clearReservations(numberOfKeys: number, ...keysAndArguments: string[]): ChainableCommander;
    releaseUnchanged(numberOfKeys: number, ...keysAndArguments: string[]): ChainableCommander;
  }
}

/** `text` as a literal in a Redis `SCAN MATCH` pattern. */
function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, (character) => `\\${character}`);
}
