import type { SpendDaily, SpendDay } from '@switchyard/contracts/spend/spend-daily';
import type { SpendTotals } from '@switchyard/contracts/spend/spend-report';

/**
 * The console's chart data, shaped from `GET /spend/daily` (pure functions, no React): every
 * series sums to what `/spend/logs` holds for the same days.
 */

const DAY_MS = 86_400_000;

/** Every UTC day from `start` to `end` (YYYY-MM-DD, both inclusive). */
export function daysBetween(start: string, end: string): string[] {
  const days: string[] = [];
  for (let time = Date.parse(`${start}T00:00:00Z`); time <= Date.parse(`${end}T00:00:00Z`); time += DAY_MS) {
    days.push(new Date(time).toISOString().slice(0, 10));
  }
  return days;
}

export function addDays(day: string, count: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + count * DAY_MS).toISOString().slice(0, 10);
}

export interface PeriodFigures {
  cost_usd: number;
  requests: number;
}

/** Spend and requests of today, the last 7 days and the last 30 days (today included). */
export function periodTotals(
  daily: Pick<SpendDaily, 'results'>,
  today: string,
): { today: PeriodFigures; week: PeriodFigures; month: PeriodFigures } {
  const since = (days: number): PeriodFigures => {
    const first = addDays(today, -(days - 1));
    return daily.results
      .filter((day) => day.date >= first && day.date <= today)
      .reduce(
        (sum, day) => ({
          cost_usd: sum.cost_usd + day.metrics.cost_usd,
          requests: sum.requests + day.metrics.requests,
        }),
        { cost_usd: 0, requests: 0 },
      );
  };
  return { today: since(1), week: since(7), month: since(30) };
}

/** A row of a stacked chart: the day and one number per series. */
export type DayRow = { date: string } & Record<string, number | string>;

export interface StackedSeries {
  /** series names, largest first; `other` last when the rest were folded into it. */
  keys: string[];
  rows: DayRow[];
}

export const OTHER = 'other';

/**
 * Cost per day by provider or by model, one row per day of the range (zero on days without
 * usage), the `top` largest series by total cost apart and the rest summed as `other`.
 */
export function costPerDay(
  daily: SpendDaily,
  dimension: 'providers' | 'models',
  top = 6,
  metric: (totals: SpendTotals) => number = (totals) => totals.cost_usd,
): StackedSeries {
  const totals = new Map<string, number>();
  for (const day of daily.results) {
    for (const [name, figures] of Object.entries(day.breakdown[dimension])) {
      totals.set(name, (totals.get(name) ?? 0) + metric(figures));
    }
  }
  const ranked = [...totals.entries()].sort((left, right) => right[1] - left[1]).map(([name]) => name);
  const kept = new Set(ranked.slice(0, top));
  const keys = ranked.length > top ? [...kept, OTHER] : [...kept];
  const byDate = new Map(daily.results.map((day) => [day.date, day]));
  const rows = daysBetween(daily.start_date, daily.end_date).map((date): DayRow => {
    const row: DayRow = { date };
    for (const key of keys) row[key] = 0;
    for (const [name, figures] of Object.entries(byDate.get(date)?.breakdown[dimension] ?? {})) {
      const key = kept.has(name) ? name : OTHER;
      row[key] = (row[key] as number) + metric(figures);
    }
    return row;
  });
  return { keys, rows };
}

export interface SavingsRow {
  date: string;
  /** what routed requests cost. */
  paid: number;
  /** what they would have cost on their router's top tier. */
  baseline: number;
  savings: number;
}

/** Router savings per day of the range, and their sums (the headline). */
export function savingsSeries(daily: SpendDaily): { rows: SavingsRow[]; total: SavingsRow } {
  const byDate = new Map(daily.results.map((day) => [day.date, day]));
  const rows = daysBetween(daily.start_date, daily.end_date).map((date): SavingsRow => {
    const metrics = byDate.get(date)?.metrics;
    const paid = metrics?.routed_cost_usd ?? 0;
    const baseline = metrics?.baseline_cost_usd ?? 0;
    return { date, paid, baseline, savings: baseline - paid };
  });
  const total = rows.reduce(
    (sum, row) => ({
      date: 'total',
      paid: sum.paid + row.paid,
      baseline: sum.baseline + row.baseline,
      savings: sum.savings + row.savings,
    }),
    { date: 'total', paid: 0, baseline: 0, savings: 0 },
  );
  return { rows, total };
}

/** The routers that have traffic in the range, busiest first. */
export function routersOf(daily: SpendDaily): string[] {
  const requests = new Map<string, number>();
  for (const day of daily.results) {
    for (const [router, tiers] of Object.entries(day.breakdown.routers)) {
      const count = Object.values(tiers).reduce((sum, totals) => sum + totals.requests, 0);
      requests.set(router, (requests.get(router) ?? 0) + count);
    }
  }
  return [...requests.entries()].sort((left, right) => right[1] - left[1]).map(([router]) => router);
}

const TIER_ORDER = ['SIMPLE', 'MEDIUM', 'COMPLEX', 'REASONING'];

function tierRank(tier: string): number {
  const index = TIER_ORDER.indexOf(tier);
  return index === -1 ? TIER_ORDER.length : index;
}

/** One router's requests per tier per day (the tier mix over time). */
export function tierMix(daily: SpendDaily, router: string): StackedSeries {
  const tiers = new Set<string>();
  for (const day of daily.results)
    for (const tier of Object.keys(day.breakdown.routers[router] ?? {})) tiers.add(tier);
  const keys = [...tiers].sort(
    (left, right) => tierRank(left) - tierRank(right) || left.localeCompare(right),
  );
  const byDate = new Map(daily.results.map((day) => [day.date, day]));
  const rows = daysBetween(daily.start_date, daily.end_date).map((date): DayRow => {
    const row: DayRow = { date };
    const perTier = byDate.get(date)?.breakdown.routers[router] ?? {};
    for (const tier of keys) row[tier] = perTier[tier]?.requests ?? 0;
    return row;
  });
  return { keys, rows };
}

export interface TierCost {
  tier: string;
  requests: number;
  cost_usd: number;
  baseline_cost_usd: number;
}

/** One router's requests and cost per tier over the range. */
export function costPerTier(daily: SpendDaily, router: string): TierCost[] {
  const sums = new Map<string, TierCost>();
  for (const day of daily.results) {
    for (const [tier, totals] of Object.entries(day.breakdown.routers[router] ?? {})) {
      const sum = sums.get(tier) ?? { tier, requests: 0, cost_usd: 0, baseline_cost_usd: 0 };
      sum.requests += totals.requests;
      sum.cost_usd += totals.cost_usd;
      sum.baseline_cost_usd += totals.baseline_cost_usd ?? 0;
      sums.set(tier, sum);
    }
  }
  return [...sums.values()].sort((left, right) => tierRank(left.tier) - tierRank(right.tier));
}

export interface TokenKind {
  kind: string;
  tokens: number;
}

/** Tokens by kind: fresh input, cache reads, cache writes, output, and the reasoning part of output. */
export function tokensByKind(totals: SpendTotals): TokenKind[] {
  return [
    { kind: 'fresh input', tokens: totals.tokens.input_no_cache },
    { kind: 'cache read', tokens: totals.tokens.input_cache_read },
    { kind: 'cache write', tokens: totals.tokens.input_cache_write },
    { kind: 'output', tokens: totals.tokens.output - totals.tokens.output_reasoning },
    { kind: 'reasoning', tokens: totals.tokens.output_reasoning },
  ];
}

/**
 * Cache hit rates: of requests answered by the response cache, and of input tokens read from the
 * providers' prompt caches. Null when there is nothing to divide.
 */
export function cacheHitRates(totals: SpendTotals): {
  responses: number | null;
  promptTokens: number | null;
} {
  return {
    responses: totals.requests > 0 ? totals.cache_hits / totals.requests : null,
    promptTokens: totals.tokens.input > 0 ? totals.tokens.input_cache_read / totals.tokens.input : null,
  };
}

/** The days in a daily report, with totals for the whole range (for a day lookup). */
export function dayOf(daily: SpendDaily, date: string): SpendDay | undefined {
  return daily.results.find((day) => day.date === date);
}
