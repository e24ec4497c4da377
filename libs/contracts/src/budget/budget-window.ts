import { z } from 'zod';

/**
 * LiteLLM's durations (`budget_duration`, `duration`): a positive whole number and a unit, `s`,
 * `m`, `h`, `d`, `w` or `mo` (calendar months), e.g. `30s`, `30m`, `30h`, `30d`, `1mo`.
 * The ledger and every ingress compute budget windows with the same functions, so they agree on
 * which window an event and a request belong to.
 */
export interface Duration {
  amount: number;
  unit: 's' | 'm' | 'h' | 'd' | 'w' | 'mo';
}

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const DURATION_PATTERN = /^([1-9][0-9]{0,5})(s|m|h|d|w|mo)$/;

/** The window of a key with no `budget_duration`: all time. */
export const ALL_TIME_END_MS = Number.MAX_SAFE_INTEGER;

export function parseDuration(text: string): Duration | null {
  const match = DURATION_PATTERN.exec(text.trim());
  if (!match) return null;
  return { amount: Number(match[1]), unit: match[2] as Duration['unit'] };
}

export const DurationString = z
  .string()
  .trim()
  .refine((text) => parseDuration(text) !== null, {
    message:
      'must be a whole number and a unit: s, m, h, d, w or mo (e.g. "30s", "30m", "30h", "30d", "1mo")',
  });

/** `at` plus the duration (calendar months for `mo`, clamped to the month's last day). */
export function addDuration(atMs: number, duration: Duration, times = 1): number {
  if (duration.unit === 'mo') return addMonthsUtc(atMs, duration.amount * times);
  return atMs + duration.amount * UNIT_MS[duration.unit] * times;
}

export interface BudgetWindow {
  startMs: number;
  /** exclusive; `ALL_TIME_END_MS` when the key has no budget duration. */
  endMs: number;
}

/**
 * The budget window that contains `atMs` for a key whose windows start at `anchorMs` (its creation)
 * and last `duration` each; all time when there is no duration.
 */
export function budgetWindowAt(anchorMs: number, duration: Duration | null, atMs: number): BudgetWindow {
  if (duration === null) return { startMs: 0, endMs: ALL_TIME_END_MS };
  if (duration.unit !== 'mo') {
    const length = duration.amount * UNIT_MS[duration.unit];
    const index = Math.floor((atMs - anchorMs) / length);
    const startMs = anchorMs + index * length;
    return { startMs, endMs: startMs + length };
  }
  const anchor = new Date(anchorMs);
  const at = new Date(atMs);
  const monthsApart =
    (at.getUTCFullYear() - anchor.getUTCFullYear()) * 12 + (at.getUTCMonth() - anchor.getUTCMonth());
  let index = Math.floor(monthsApart / duration.amount);
  while (addDuration(anchorMs, duration, index) > atMs) index -= 1;
  while (addDuration(anchorMs, duration, index + 1) <= atMs) index += 1;
  return {
    startMs: addDuration(anchorMs, duration, index),
    endMs: addDuration(anchorMs, duration, index + 1),
  };
}

/** The window of a key described by its creation time and `budget_duration` text. */
export function keyBudgetWindow(
  createdAt: string,
  budgetDuration: string | null,
  atMs: number,
): BudgetWindow {
  const duration = budgetDuration === null ? null : parseDuration(budgetDuration);
  return budgetWindowAt(Date.parse(createdAt), duration, atMs);
}

function addMonthsUtc(atMs: number, months: number): number {
  const date = new Date(atMs);
  const firstOfTarget = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1);
  const target = new Date(firstOfTarget);
  const daysInTarget = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  return Date.UTC(
    target.getUTCFullYear(),
    target.getUTCMonth(),
    Math.min(date.getUTCDate(), daysInTarget),
    date.getUTCHours(),
    date.getUTCMinutes(),
    date.getUTCSeconds(),
    date.getUTCMilliseconds(),
  );
}
