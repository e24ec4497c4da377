import type Redis from 'ioredis';
import { BudgetRedisKeys, RESERVATION_VALUE_LUA, SETTLED_RESERVATION_TTL_MS } from '@switchyard/contracts';

const MINUTE_MS = 60_000;

/**
 * Checks every limit of one key and, only when all pass, counts the call in each, atomically:
 * requests in the last minute (sliding log), tokens per minute (sliding window of two one-minute
 * buckets), calls in flight, and budget (spend counter + reservations in flight + this call's
 * estimate ≤ max_budget). A negative limit is off. Replies `{'ok', requests, tokens, running,
 * spend, reserved, requestsResetMs}` or `{refused limit, …numbers}`.
 */
const ADMIT = `
local now = tonumber(ARGV[1])
local call = ARGV[2]
local rpm = tonumber(ARGV[3])
local tpm = tonumber(ARGV[4])
local parallel = tonumber(ARGV[5])
local budget = tonumber(ARGV[6])
local cost = tonumber(ARGV[7])
local tokens = tonumber(ARGV[8])
local hold = tonumber(ARGV[9])
local minute = ${MINUTE_MS}
${RESERVATION_VALUE_LUA}
local function oldestResetMs()
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  if oldest[2] then return math.max(0, tonumber(oldest[2]) + minute - now) end
  return minute
end

local requests = 0
if rpm >= 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - minute)
  requests = redis.call('ZCARD', KEYS[1])
  if requests >= rpm then return {'rpm', requests, oldestResetMs()} end
end

local used = 0
local minuteLeftMs = minute - (now % minute)
if tpm >= 0 then
  local current = tonumber(redis.call('GET', KEYS[2]) or '0')
  local previous = tonumber(redis.call('GET', KEYS[3]) or '0')
  used = math.max(0, math.floor(previous * minuteLeftMs / minute + current))
  if used + tokens > tpm then return {'tpm', used, minuteLeftMs} end
end

local running = 0
if parallel >= 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now)
  running = redis.call('ZCARD', KEYS[4])
  if running >= parallel then return {'parallel', running, 1000} end
end

local spend = 0
local reserved = 0
if budget >= 0 then
  for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[7], '-inf', now)) do
    local value = redis.call('HGET', KEYS[6], member)
    if value then
      redis.call('INCRBYFLOAT', KEYS[8], -reservationAmount(value))
      redis.call('HDEL', KEYS[6], member)
    end
    redis.call('ZREM', KEYS[7], member)
  end
  if redis.call('HLEN', KEYS[6]) == 0 then redis.call('DEL', KEYS[8]) end
  spend = tonumber(redis.call('GET', KEYS[5]) or '0')
  reserved = math.max(0, tonumber(redis.call('GET', KEYS[8]) or '0'))
  if spend + reserved + cost > budget then return {'budget', tostring(spend), tostring(reserved)} end
end

if rpm >= 0 then
  redis.call('ZADD', KEYS[1], now, call)
  redis.call('PEXPIRE', KEYS[1], minute)
end
if tpm >= 0 then
  redis.call('INCRBY', KEYS[2], tokens)
  redis.call('PEXPIRE', KEYS[2], 2 * minute)
end
if parallel >= 0 then
  redis.call('ZADD', KEYS[4], now + hold, call)
  redis.call('PEXPIRE', KEYS[4], hold)
end
if budget >= 0 then
  redis.call('HSET', KEYS[6], call, ARGV[7])
  redis.call('ZADD', KEYS[7], now + hold, call)
  redis.call('INCRBYFLOAT', KEYS[8], ARGV[7])
  -- only ever lengthened: settled reservations inside are held far longer than a call in flight
  for index = 6, 8 do
    if redis.call('PTTL', KEYS[index]) < hold then redis.call('PEXPIRE', KEYS[index], hold) end
  end
end
local requestsResetMs = 0
if rpm >= 0 then requestsResetMs = oldestResetMs() end
return {'ok', requests + 1, used + tokens, running + 1, tostring(spend), tostring(reserved), requestsResetMs}`;

/**
 * Ends a call: leaves the in-flight set, releases its reservation and, when its usage event has a
 * cost the ledger has not counted yet, holds that cost as the reservation until it has (the ledger
 * deletes it, or left `counted:<eventId>` already); corrects the tokens of the minute.
 */
const SETTLE = `${RESERVATION_VALUE_LUA}
local call = ARGV[1]
local grace = tonumber(ARGV[7])
if ARGV[2] == '1' then redis.call('ZREM', KEYS[1], call) end
if ARGV[3] == '1' then
  local value = redis.call('HGET', KEYS[2], call)
  if value then
    redis.call('INCRBYFLOAT', KEYS[4], -reservationAmount(value))
    redis.call('HDEL', KEYS[2], call)
    redis.call('ZREM', KEYS[3], call)
  end
  if ARGV[4] ~= '' and redis.call('EXISTS', KEYS[5]) == 0 then
    redis.call('HSET', KEYS[2], call, ARGV[4] .. '|' .. ARGV[5])
    redis.call('ZADD', KEYS[3], tonumber(ARGV[6]) + grace, call)
    redis.call('INCRBYFLOAT', KEYS[4], ARGV[4])
    for index = 2, 4 do
      if redis.call('PTTL', KEYS[index]) < grace then redis.call('PEXPIRE', KEYS[index], grace) end
    end
  end
  if redis.call('HLEN', KEYS[2]) == 0 then redis.call('DEL', KEYS[4]) end
end
if ARGV[8] ~= '' then
  redis.call('INCRBY', KEYS[6], ARGV[8])
  if redis.call('PTTL', KEYS[6]) < 0 then redis.call('PEXPIRE', KEYS[6], ${2 * MINUTE_MS}) end
end
return 1`;

/**
 * Reserves a call's estimate once more, under `<callId>#<attempt>`, for an attempt whose dispatcher
 * went silent before the call is dispatched again: when the budget still covers it (spend +
 * reserved + estimate ≤ max_budget), held until the ledger counts an event of that attempt or the
 * in-flight hold ends (a dispatcher that died records nothing). When the ledger counted that
 * attempt already (`counted-attempt:` marker), its cost is in the spend: nothing is reserved.
 * Replies 1, or 0 when refused.
 */
const RESERVE_AGAIN = `
if redis.call('EXISTS', KEYS[5]) == 1 then return 1 end
local budget = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
local hold = tonumber(ARGV[5])
local spend = tonumber(redis.call('GET', KEYS[4]) or '0')
local reserved = math.max(0, tonumber(redis.call('GET', KEYS[3]) or '0'))
if spend + reserved + cost > budget then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[4])
redis.call('ZADD', KEYS[2], tonumber(ARGV[2]) + hold, ARGV[1])
redis.call('INCRBYFLOAT', KEYS[3], ARGV[4])
for index = 1, 3 do
  if redis.call('PTTL', KEYS[index]) < hold then redis.call('PEXPIRE', KEYS[index], hold) end
end
return 1`;

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
  limitsAdmit(...keysAndArguments: (string | number)[]): Promise<ScriptReply>;
  limitsSettle(...keysAndArguments: (string | number)[]): Promise<number>;
  limitsReserveAgain(...keysAndArguments: (string | number)[]): Promise<number>;
}

/** The limit scripts on one Redis connection (EVALSHA, loaded on first use). */
export class LimitScripts {
  private readonly commands: LimitCommands;

  constructor(redis: Redis) {
    redis.defineCommand('limitsAdmit', { numberOfKeys: 8, lua: ADMIT });
    redis.defineCommand('limitsSettle', { numberOfKeys: 6, lua: SETTLE });
    redis.defineCommand('limitsReserveAgain', { numberOfKeys: 5, lua: RESERVE_AGAIN });
    this.commands = redis as unknown as LimitCommands;
  }

  async admit(request: AdmitRequest): Promise<AdmitResult> {
    const minute = Math.floor(request.nowMs / MINUTE_MS);
    const reply = await this.commands.limitsAdmit(
      BudgetRedisKeys.requests(request.keyId),
      BudgetRedisKeys.tokens(request.keyId, minute),
      BudgetRedisKeys.tokens(request.keyId, minute - 1),
      BudgetRedisKeys.parallel(request.keyId),
      request.spendKey,
      BudgetRedisKeys.reserved(request.keyId),
      BudgetRedisKeys.reservedExpiry(request.keyId),
      BudgetRedisKeys.reservedTotal(request.keyId),
      request.nowMs,
      request.callId,
      request.rpmLimit ?? -1,
      request.tpmLimit ?? -1,
      request.parallelLimit ?? -1,
      request.maxBudget === null ? -1 : String(request.maxBudget),
      String(request.estimateUsd),
      request.estimateTokens,
      request.holdMs,
    );
    const number = (index: number) => Number(reply[index]);
    switch (reply[0]) {
      case 'ok':
        return {
          outcome: 'ok',
          requests: number(1),
          tokens: number(2),
          running: number(3),
          spendUsd: number(4),
          reservedUsd: number(5),
          requestsResetMs: number(6),
        };
      case 'rpm':
        return { outcome: 'rpm', requests: number(1), resetMs: number(2) };
      case 'tpm':
        return { outcome: 'tpm', tokens: number(1), resetMs: number(2) };
      case 'parallel':
        return { outcome: 'parallel', running: number(1), resetMs: number(2) };
      case 'budget':
        return { outcome: 'budget', spendUsd: number(1), reservedUsd: number(2) };
      default:
        throw new Error(`unexpected reply from the admission script: ${String(reply[0])}`);
    }
  }

  async settle(request: SettleRequest): Promise<void> {
    const minute = request.tokensMinute ?? Math.floor(request.nowMs / MINUTE_MS);
    await this.commands.limitsSettle(
      BudgetRedisKeys.parallel(request.keyId),
      BudgetRedisKeys.reserved(request.keyId),
      BudgetRedisKeys.reservedExpiry(request.keyId),
      BudgetRedisKeys.reservedTotal(request.keyId),
      BudgetRedisKeys.counted(request.keyId, request.eventId ?? 'none'),
      BudgetRedisKeys.tokens(request.keyId, minute),
      request.callId,
      request.parallel ? '1' : '0',
      request.budget ? '1' : '0',
      request.costUsd === null || request.costUsd <= 0 || request.eventId === null
        ? ''
        : String(request.costUsd),
      request.eventId ?? '',
      request.nowMs,
      SETTLED_RESERVATION_TTL_MS,
      request.tokensMinute === null ? '' : String(request.tokensDelta),
    );
  }

  /** true when the budget covered the attempt and its reservation was made. */
  async reserveAgain(request: ReserveAgainRequest): Promise<boolean> {
    const reply = await this.commands.limitsReserveAgain(
      BudgetRedisKeys.reserved(request.keyId),
      BudgetRedisKeys.reservedExpiry(request.keyId),
      BudgetRedisKeys.reservedTotal(request.keyId),
      request.spendKey,
      BudgetRedisKeys.countedAttempt(request.keyId, request.callId, request.lostAttempt),
      lostAttemptField(request.callId, request.lostAttempt),
      request.nowMs,
      String(request.maxBudget),
      String(request.estimateUsd),
      request.holdMs,
    );
    return Number(reply) === 1;
  }
}

/** The reservation field of an attempt whose dispatcher went silent (the ledger releases it too). */
export function lostAttemptField(callId: string, attempt: number): string {
  return `${callId}#${attempt}`;
}

export function minuteOf(nowMs: number): number {
  return Math.floor(nowMs / MINUTE_MS);
}
