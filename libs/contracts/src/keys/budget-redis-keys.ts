import { ALL_TIME_END_MS, type BudgetWindow } from '../budget/budget-window';

/**
 * The Redis keys shared by the ledger (writes spend counters, clears settled reservations) and the
 * ingress (reads counters, reserves, counts rate windows). Every key of one virtual key carries
 * the key id as a hash tag, so the Lua scripts touching several of them stay in one Redis Cluster
 * slot. The connection adds `REDIS_KEY_PREFIX` in front.
 *
 * Reservations: hash `reserved` maps a call id to `<usd>` while the call is in flight, then to
 * `<usd>|<eventId>` once it settled with the real cost of its usage event `eventId`, until the
 * ledger has counted that event (it deletes the field) or the entry expires. Sorted set
 * `reserved:expiry` holds each field's expiry, string `reserved:total` their sum. When the ledger
 * counts an event of a budgeted key that no settled reservation waits for (the call is still in
 * flight, or its reservation is gone), it leaves `counted:<eventId>` so a later settlement releases
 * the reservation instead of holding the cost twice, and `counted-attempt:<callId>#<attempt>` so a
 * later reservation for that attempt (a silent dispatcher's) is not made. A release the ledger lost
 * (it crashed after its commit) is made by its sweep of settled reservations whose event is stored.
 */
export const BudgetRedisKeys = {
  /** the key's spend in one budget window (absolute USD, set by the ledger from Postgres). */
  spend: (keyId: string, window: BudgetWindow) =>
    window.endMs === ALL_TIME_END_MS
      ? `budget:{${keyId}}:spend:all`
      : `budget:{${keyId}}:spend:${window.startMs}-${window.endMs}`,
  reserved: (keyId: string) => `budget:{${keyId}}:reserved`,
  reservedExpiry: (keyId: string) => `budget:{${keyId}}:reserved:expiry`,
  reservedTotal: (keyId: string) => `budget:{${keyId}}:reserved:total`,
  counted: (keyId: string, eventId: string) => `budget:{${keyId}}:counted:${eventId}`,
  /** left by the ledger with `counted`: an event of this attempt of the call is counted. */
  countedAttempt: (keyId: string, callId: string, attempt: number) =>
    `budget:{${keyId}}:counted-attempt:${callId}#${attempt}`,
  /** sliding log of the last minute's requests (sorted set, score = time). */
  requests: (keyId: string) => `limits:{${keyId}}:rpm`,
  /** tokens counted in one minute (string). */
  tokens: (keyId: string, minute: number) => `limits:{${keyId}}:tpm:${minute}`,
  /** calls in flight (sorted set, score = when the entry expires). */
  parallel: (keyId: string) => `limits:{${keyId}}:parallel`,
  /**
   * the limits of a scope the ingress cannot learn from a key's lookup (an end user or a tag: any
   * request may name one), as `CustomerLimitsRecord` or `TagLimitsRecord` JSON, written by the ledger.
   */
  limits: (scopeId: string) => `limits:{${scopeId}}:settings`,
} as const;

/**
 * Lua functions reading a `reserved` hash value (`<usd>` or `<usd>|<eventId>`), for the scripts
 * of the ingress and the ledger: its amount, and the event it settled with (nil while in flight).
 */
export const RESERVATION_VALUE_LUA = `
local function reservationAmount(value)
  local bar = string.find(value, '|', 1, true)
  if bar then return tonumber(string.sub(value, 1, bar - 1)) end
  return tonumber(value)
end
local function reservationEvent(value)
  local bar = string.find(value, '|', 1, true)
  if bar then return string.sub(value, bar + 1) end
  return nil
end
`;

/**
 * A settled reservation is held until the ledger counts its event, however late: this expiry is only
 * the safety net for an event that can never be counted any more (the `USAGE` stream keeps events
 * 7 days).
 */
export const SETTLED_RESERVATION_TTL_MS = 7 * 24 * 3600_000;

/**
 * How long the ledger's `counted:` markers are kept: only until the call settles (or is dispatched
 * again), which it does soon after its event is produced (an ingress that died never settles).
 */
export const COUNTED_MARKER_TTL_MS = 15 * 60_000;

/** What `BudgetRedisKeys.limits` holds for an end user (`customer:<id>`). */
export interface CustomerLimitsRecord {
  max_budget: number | null;
  budget_duration: string | null;
  blocked: boolean;
  /** ISO; budget windows are counted from here. */
  created_at: string;
}

/** What `BudgetRedisKeys.limits` holds for a tag (`tag:<name>`) with a budget or a rate limit. */
export interface TagLimitsRecord {
  max_budget: number | null;
  budget_duration: string | null;
  rpm_limit: number | null;
  tpm_limit: number | null;
  max_parallel_requests: number | null;
  /** ISO; budget windows are counted from here. */
  created_at: string;
}
