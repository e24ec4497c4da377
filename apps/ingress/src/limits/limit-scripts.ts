import type Redis from 'ioredis';
import { BudgetRedisKeys, RESERVATION_VALUE_LUA, SETTLED_RESERVATION_TTL_MS } from '@switchyard/contracts';

const MINUTE_MS = 60_000;

/** Redis keys per scope in the admission script, and its arguments before the scopes'. */
const ADMIT_KEYS_PER_SCOPE = 8;
const SETTLE_KEYS_PER_SCOPE = 6;
const RESERVE_AGAIN_KEYS_PER_SCOPE = 5;

/**
 * Checks every limit of every scope of one call (its key, and its team, internal user, end user…)
 * and, only when all pass in all of them, counts the call in each, atomically: requests in the last
 * minute (sliding log), tokens per minute (sliding window of two one-minute buckets), calls in
 * flight, and budget (spend counter + reservations in flight + this call's estimate ≤ max_budget).
 * A negative limit is off. KEYS: 8 per scope; ARGV: now, call, cost, tokens, hold, then 4 limits
 * per scope. Replies `{'ok', then per scope: requests, tokens, running, spend, reserved,
 * requestsResetMs}` or `{refused limit, scope number (1-based), …numbers}`.
 */
const ADMIT = `
local now = tonumber(ARGV[1])
local call = ARGV[2]
local cost = tonumber(ARGV[3])
local tokens = tonumber(ARGV[4])
local hold = tonumber(ARGV[5])
local minute = ${MINUTE_MS}
local scopes = #KEYS / ${ADMIT_KEYS_PER_SCOPE}
local minuteLeftMs = minute - (now % minute)
${RESERVATION_VALUE_LUA}
local function oldestResetMs(key)
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  if oldest[2] then return math.max(0, tonumber(oldest[2]) + minute - now) end
  return minute
end

local states = {}
for scope = 1, scopes do
  local k = (scope - 1) * ${ADMIT_KEYS_PER_SCOPE}
  local a = 5 + (scope - 1) * 4
  local rpm = tonumber(ARGV[a + 1])
  local tpm = tonumber(ARGV[a + 2])
  local parallel = tonumber(ARGV[a + 3])
  local budget = tonumber(ARGV[a + 4])
  local requests = 0
  if rpm >= 0 then
    redis.call('ZREMRANGEBYSCORE', KEYS[k + 1], '-inf', now - minute)
    requests = redis.call('ZCARD', KEYS[k + 1])
    if requests >= rpm then return {'rpm', scope, requests, oldestResetMs(KEYS[k + 1])} end
  end
  local used = 0
  if tpm >= 0 then
    local current = tonumber(redis.call('GET', KEYS[k + 2]) or '0')
    local previous = tonumber(redis.call('GET', KEYS[k + 3]) or '0')
    used = math.max(0, math.floor(previous * minuteLeftMs / minute + current))
    if used + tokens > tpm then return {'tpm', scope, used, minuteLeftMs} end
  end
  local running = 0
  if parallel >= 0 then
    redis.call('ZREMRANGEBYSCORE', KEYS[k + 4], '-inf', now)
    running = redis.call('ZCARD', KEYS[k + 4])
    if running >= parallel then return {'parallel', scope, running, 1000} end
  end
  local spend = 0
  local reserved = 0
  if budget >= 0 then
    for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[k + 7], '-inf', now)) do
      local value = redis.call('HGET', KEYS[k + 6], member)
      if value then
        redis.call('INCRBYFLOAT', KEYS[k + 8], -reservationAmount(value))
        redis.call('HDEL', KEYS[k + 6], member)
      end
      redis.call('ZREM', KEYS[k + 7], member)
    end
    if redis.call('HLEN', KEYS[k + 6]) == 0 then redis.call('DEL', KEYS[k + 8]) end
    spend = tonumber(redis.call('GET', KEYS[k + 5]) or '0')
    reserved = math.max(0, tonumber(redis.call('GET', KEYS[k + 8]) or '0'))
    if spend + reserved + cost > budget then return {'budget', scope, tostring(spend), tostring(reserved)} end
  end
  states[scope] = {requests, used, running, spend, reserved, rpm, tpm, parallel, budget}
end

local reply = {'ok'}
for scope = 1, scopes do
  local k = (scope - 1) * ${ADMIT_KEYS_PER_SCOPE}
  local state = states[scope]
  if state[6] >= 0 then
    redis.call('ZADD', KEYS[k + 1], now, call)
    redis.call('PEXPIRE', KEYS[k + 1], minute)
  end
  if state[7] >= 0 then
    redis.call('INCRBY', KEYS[k + 2], tokens)
    redis.call('PEXPIRE', KEYS[k + 2], 2 * minute)
  end
  if state[8] >= 0 then
    redis.call('ZADD', KEYS[k + 4], now + hold, call)
    redis.call('PEXPIRE', KEYS[k + 4], hold)
  end
  if state[9] >= 0 then
    redis.call('HSET', KEYS[k + 6], call, ARGV[3])
    redis.call('ZADD', KEYS[k + 7], now + hold, call)
    redis.call('INCRBYFLOAT', KEYS[k + 8], ARGV[3])
    -- only ever lengthened: settled reservations inside are held far longer than a call in flight
    for index = k + 6, k + 8 do
      if redis.call('PTTL', KEYS[index]) < hold then redis.call('PEXPIRE', KEYS[index], hold) end
    end
  end
  local requestsResetMs = 0
  if state[6] >= 0 then requestsResetMs = oldestResetMs(KEYS[k + 1]) end
  table.insert(reply, state[1] + 1)
  table.insert(reply, state[2] + tokens)
  table.insert(reply, state[3] + 1)
  table.insert(reply, tostring(state[4]))
  table.insert(reply, tostring(state[5]))
  table.insert(reply, requestsResetMs)
end
return reply`;

/**
 * Ends a call in every scope it was admitted in: leaves the in-flight set, releases its
 * reservation and, when its usage event has a cost the ledger has not counted yet (for that scope),
 * holds that cost as the reservation until it has (the ledger deletes it, or left
 * `counted:<eventId>` already); corrects the tokens of the minute. KEYS: 6 per scope; ARGV: call,
 * cost, event, now, grace, tokens delta, then 3 flags per scope (parallel, budget, tpm).
 */
const SETTLE = `${RESERVATION_VALUE_LUA}
local call = ARGV[1]
local grace = tonumber(ARGV[5])
for scope = 1, #KEYS / ${SETTLE_KEYS_PER_SCOPE} do
  local k = (scope - 1) * ${SETTLE_KEYS_PER_SCOPE}
  local a = 6 + (scope - 1) * 3
  if ARGV[a + 1] == '1' then redis.call('ZREM', KEYS[k + 1], call) end
  if ARGV[a + 2] == '1' then
    local value = redis.call('HGET', KEYS[k + 2], call)
    if value then
      redis.call('INCRBYFLOAT', KEYS[k + 4], -reservationAmount(value))
      redis.call('HDEL', KEYS[k + 2], call)
      redis.call('ZREM', KEYS[k + 3], call)
    end
    if ARGV[2] ~= '' and redis.call('EXISTS', KEYS[k + 5]) == 0 then
      redis.call('HSET', KEYS[k + 2], call, ARGV[2] .. '|' .. ARGV[3])
      redis.call('ZADD', KEYS[k + 3], tonumber(ARGV[4]) + grace, call)
      redis.call('INCRBYFLOAT', KEYS[k + 4], ARGV[2])
      for index = k + 2, k + 4 do
        if redis.call('PTTL', KEYS[index]) < grace then redis.call('PEXPIRE', KEYS[index], grace) end
      end
    end
    if redis.call('HLEN', KEYS[k + 2]) == 0 then redis.call('DEL', KEYS[k + 4]) end
  end
  if ARGV[a + 3] == '1' and ARGV[6] ~= '' then
    redis.call('INCRBY', KEYS[k + 6], ARGV[6])
    if redis.call('PTTL', KEYS[k + 6]) < 0 then redis.call('PEXPIRE', KEYS[k + 6], ${2 * MINUTE_MS}) end
  end
end
return 1`;

/**
 * Reserves a call's estimate once more, under `<callId>#<attempt>`, in every budgeted scope of the
 * call, for an attempt whose dispatcher went silent before the call is dispatched again: when every
 * budget still covers it (spend + reserved + estimate ≤ max_budget), held until the ledger counts
 * an event of that attempt or the in-flight hold ends (a dispatcher that died records nothing). A
 * scope where the ledger counted that attempt already (`counted-attempt:` marker) has its cost in
 * the spend: nothing is reserved there. KEYS: 5 per scope; ARGV: field, now, cost, hold, then the
 * budget of each scope. Replies 1, or 0 when refused (nothing reserved anywhere).
 */
const RESERVE_AGAIN = `
local cost = tonumber(ARGV[3])
local hold = tonumber(ARGV[4])
local scopes = #KEYS / ${RESERVE_AGAIN_KEYS_PER_SCOPE}
local wanted = {}
for scope = 1, scopes do
  local k = (scope - 1) * ${RESERVE_AGAIN_KEYS_PER_SCOPE}
  if redis.call('EXISTS', KEYS[k + 5]) == 0 then
    local budget = tonumber(ARGV[4 + scope])
    local spend = tonumber(redis.call('GET', KEYS[k + 4]) or '0')
    local reserved = math.max(0, tonumber(redis.call('GET', KEYS[k + 3]) or '0'))
    if spend + reserved + cost > budget then return 0 end
    table.insert(wanted, k)
  end
end
for _, k in ipairs(wanted) do
  redis.call('HSET', KEYS[k + 1], ARGV[1], ARGV[3])
  redis.call('ZADD', KEYS[k + 2], tonumber(ARGV[2]) + hold, ARGV[1])
  redis.call('INCRBYFLOAT', KEYS[k + 3], ARGV[3])
  for index = k + 1, k + 3 do
    if redis.call('PTTL', KEYS[index]) < hold then redis.call('PEXPIRE', KEYS[index], hold) end
  end
end
return 1`;

/** The limits of one scope of a call (its key, or its team, internal user…); null: off. */
export interface ScopeLimitsRequest {
  /** the scope id: the key id, or `team:<id>`, `user:<id>`, `customer:<id>`, `tag:<name>@<created_at ms>`. */
  scopeId: string;
  /** the Redis key of the scope's spend in its current budget window. */
  spendKey: string;
  rpmLimit: number | null;
  tpmLimit: number | null;
  parallelLimit: number | null;
  maxBudget: number | null;
}

export interface AdmitScopesRequest {
  callId: string;
  nowMs: number;
  estimateUsd: number;
  estimateTokens: number;
  /** how long an in-flight entry lives when its call never settles (a crashed ingress). */
  holdMs: number;
  scopes: readonly ScopeLimitsRequest[];
}

export interface ScopeCounts {
  requests: number;
  tokens: number;
  running: number;
  spendUsd: number;
  reservedUsd: number;
  requestsResetMs: number;
}

export type ScopeRefusal =
  | { outcome: 'rpm'; requests: number; resetMs: number }
  | { outcome: 'tpm'; tokens: number; resetMs: number }
  | { outcome: 'parallel'; running: number; resetMs: number }
  | { outcome: 'budget'; spendUsd: number; reservedUsd: number };

export type AdmitScopesResult =
  { outcome: 'ok'; scopes: ScopeCounts[] } | (ScopeRefusal & { scopeIndex: number });

export interface SettleScopesRequest {
  callId: string;
  nowMs: number;
  /** the real cost to hold until the ledger counted it; null: release only. */
  costUsd: number | null;
  eventId: string | null;
  /** minute bucket the call's tokens went to, and the correction (real − estimated); null: none. */
  tokensMinute: number | null;
  tokensDelta: number;
  scopes: readonly { scopeId: string; parallel: boolean; budget: boolean; tokens: boolean }[];
}

export interface ReserveAgainScopesRequest {
  callId: string;
  lostAttempt: number;
  nowMs: number;
  estimateUsd: number;
  holdMs: number;
  /** the budgeted scopes of the call. */
  scopes: readonly { scopeId: string; spendKey: string; maxBudget: number }[];
}

export interface ReserveAgainRequest {
  keyId: string;
  callId: string;
  lostAttempt: number;
  nowMs: number;
  spendKey: string;
  maxBudget: number;
  estimateUsd: number;
  holdMs: number;
}

export interface AdmitRequest {
  keyId: string;
  callId: string;
  nowMs: number;
  /** the Redis key of the key's spend in its current budget window. */
  spendKey: string;
  rpmLimit: number | null;
  tpmLimit: number | null;
  parallelLimit: number | null;
  maxBudget: number | null;
  estimateUsd: number;
  estimateTokens: number;
  /** how long an in-flight entry lives when its call never settles (a crashed ingress). */
  holdMs: number;
}

export type AdmitResult =
  | {
      outcome: 'ok';
      requests: number;
      tokens: number;
      running: number;
      spendUsd: number;
      reservedUsd: number;
      requestsResetMs: number;
    }
  | { outcome: 'rpm'; requests: number; resetMs: number }
  | { outcome: 'tpm'; tokens: number; resetMs: number }
  | { outcome: 'parallel'; running: number; resetMs: number }
  | { outcome: 'budget'; spendUsd: number; reservedUsd: number };

export interface SettleRequest {
  keyId: string;
  callId: string;
  nowMs: number;
  parallel: boolean;
  budget: boolean;
  /** the real cost to hold until the ledger counted it; null: release only. */
  costUsd: number | null;
  eventId: string | null;
  /** minute bucket the call's tokens went to, and the correction (real − estimated); null: none. */
  tokensMinute: number | null;
  tokensDelta: number;
}

type ScriptReply = (string | number)[];

interface LimitCommands {
  limitsAdmitScopes(numberOfKeys: number, ...keysAndArguments: (string | number)[]): Promise<ScriptReply>;
  limitsSettleScopes(numberOfKeys: number, ...keysAndArguments: (string | number)[]): Promise<number>;
  limitsReserveAgainScopes(numberOfKeys: number, ...keysAndArguments: (string | number)[]): Promise<number>;
}

/**
 * The limit scripts on one Redis connection (EVALSHA, loaded on first use). The `…Scopes` methods
 * check and count a call in all its scopes at once; `admit`, `settle` and `reserveAgain` are the
 * one-scope (key alone) forms.
 */
export class LimitScripts {
  private readonly commands: LimitCommands;

  constructor(redis: Redis) {
    redis.defineCommand('limitsAdmitScopes', { lua: ADMIT });
    redis.defineCommand('limitsSettleScopes', { lua: SETTLE });
    redis.defineCommand('limitsReserveAgainScopes', { lua: RESERVE_AGAIN });
    this.commands = redis as unknown as LimitCommands;
  }

  async admitScopes(request: AdmitScopesRequest): Promise<AdmitScopesResult> {
    const minute = Math.floor(request.nowMs / MINUTE_MS);
    const keys = request.scopes.flatMap((scope) => [
      BudgetRedisKeys.requests(scope.scopeId),
      BudgetRedisKeys.tokens(scope.scopeId, minute),
      BudgetRedisKeys.tokens(scope.scopeId, minute - 1),
      BudgetRedisKeys.parallel(scope.scopeId),
      scope.spendKey,
      BudgetRedisKeys.reserved(scope.scopeId),
      BudgetRedisKeys.reservedExpiry(scope.scopeId),
      BudgetRedisKeys.reservedTotal(scope.scopeId),
    ]);
    const reply = await this.commands.limitsAdmitScopes(
      keys.length,
      ...keys,
      request.nowMs,
      request.callId,
      String(request.estimateUsd),
      request.estimateTokens,
      request.holdMs,
      ...request.scopes.flatMap((scope) => [
        scope.rpmLimit ?? -1,
        scope.tpmLimit ?? -1,
        scope.parallelLimit ?? -1,
        scope.maxBudget === null ? -1 : String(scope.maxBudget),
      ]),
    );
    const number = (index: number) => Number(reply[index]);
    const scopeIndex = number(1) - 1;
    switch (reply[0]) {
      case 'ok':
        return {
          outcome: 'ok',
          scopes: request.scopes.map((_, index) => {
            const at = 1 + index * 6;
            return {
              requests: number(at),
              tokens: number(at + 1),
              running: number(at + 2),
              spendUsd: number(at + 3),
              reservedUsd: number(at + 4),
              requestsResetMs: number(at + 5),
            };
          }),
        };
      case 'rpm':
        return { outcome: 'rpm', scopeIndex, requests: number(2), resetMs: number(3) };
      case 'tpm':
        return { outcome: 'tpm', scopeIndex, tokens: number(2), resetMs: number(3) };
      case 'parallel':
        return { outcome: 'parallel', scopeIndex, running: number(2), resetMs: number(3) };
      case 'budget':
        return { outcome: 'budget', scopeIndex, spendUsd: number(2), reservedUsd: number(3) };
      default:
        throw new Error(`unexpected reply from the admission script: ${String(reply[0])}`);
    }
  }

  async settleScopes(request: SettleScopesRequest): Promise<void> {
    const minute = request.tokensMinute ?? Math.floor(request.nowMs / MINUTE_MS);
    const keys = request.scopes.flatMap((scope) => [
      BudgetRedisKeys.parallel(scope.scopeId),
      BudgetRedisKeys.reserved(scope.scopeId),
      BudgetRedisKeys.reservedExpiry(scope.scopeId),
      BudgetRedisKeys.reservedTotal(scope.scopeId),
      BudgetRedisKeys.counted(scope.scopeId, request.eventId ?? 'none'),
      BudgetRedisKeys.tokens(scope.scopeId, minute),
    ]);
    await this.commands.limitsSettleScopes(
      keys.length,
      ...keys,
      request.callId,
      request.costUsd === null || request.costUsd <= 0 || request.eventId === null
        ? ''
        : String(request.costUsd),
      request.eventId ?? '',
      request.nowMs,
      SETTLED_RESERVATION_TTL_MS,
      request.tokensMinute === null ? '' : String(request.tokensDelta),
      ...request.scopes.flatMap((scope) => [
        scope.parallel ? '1' : '0',
        scope.budget ? '1' : '0',
        scope.tokens ? '1' : '0',
      ]),
    );
  }

  /** true when every budget covered the attempt and its reservations were made. */
  async reserveAgainScopes(request: ReserveAgainScopesRequest): Promise<boolean> {
    const keys = request.scopes.flatMap((scope) => [
      BudgetRedisKeys.reserved(scope.scopeId),
      BudgetRedisKeys.reservedExpiry(scope.scopeId),
      BudgetRedisKeys.reservedTotal(scope.scopeId),
      scope.spendKey,
      BudgetRedisKeys.countedAttempt(scope.scopeId, request.callId, request.lostAttempt),
    ]);
    const reply = await this.commands.limitsReserveAgainScopes(
      keys.length,
      ...keys,
      lostAttemptField(request.callId, request.lostAttempt),
      request.nowMs,
      String(request.estimateUsd),
      request.holdMs,
      ...request.scopes.map((scope) => String(scope.maxBudget)),
    );
    return Number(reply) === 1;
  }

  async admit(request: AdmitRequest): Promise<AdmitResult> {
    const result = await this.admitScopes({
      callId: request.callId,
      nowMs: request.nowMs,
      estimateUsd: request.estimateUsd,
      estimateTokens: request.estimateTokens,
      holdMs: request.holdMs,
      scopes: [
        {
          scopeId: request.keyId,
          spendKey: request.spendKey,
          rpmLimit: request.rpmLimit,
          tpmLimit: request.tpmLimit,
          parallelLimit: request.parallelLimit,
          maxBudget: request.maxBudget,
        },
      ],
    });
    if (result.outcome === 'ok') return { outcome: 'ok', ...result.scopes[0] };
    const { scopeIndex: _scopeIndex, ...refusal } = result;
    return refusal;
  }

  async settle(request: SettleRequest): Promise<void> {
    await this.settleScopes({
      callId: request.callId,
      nowMs: request.nowMs,
      costUsd: request.costUsd,
      eventId: request.eventId,
      tokensMinute: request.tokensMinute,
      tokensDelta: request.tokensDelta,
      scopes: [
        {
          scopeId: request.keyId,
          parallel: request.parallel,
          budget: request.budget,
          tokens: request.tokensMinute !== null,
        },
      ],
    });
  }

  /** true when the budget covered the attempt and its reservation was made. */
  async reserveAgain(request: ReserveAgainRequest): Promise<boolean> {
    return this.reserveAgainScopes({
      callId: request.callId,
      lostAttempt: request.lostAttempt,
      nowMs: request.nowMs,
      estimateUsd: request.estimateUsd,
      holdMs: request.holdMs,
      scopes: [{ scopeId: request.keyId, spendKey: request.spendKey, maxBudget: request.maxBudget }],
    });
  }
}

/** The reservation field of an attempt whose dispatcher went silent (the ledger releases it too). */
export function lostAttemptField(callId: string, attempt: number): string {
  return `${callId}#${attempt}`;
}

export function minuteOf(nowMs: number): number {
  return Math.floor(nowMs / MINUTE_MS);
}
