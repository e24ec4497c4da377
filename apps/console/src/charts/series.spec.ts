import type { SpendDaily } from '@switchyard/contracts/spend/spend-daily';
import type { SpendLogRow } from '@switchyard/contracts/spend/spend-logs';
import type { SpendTotals } from '@switchyard/contracts/spend/spend-report';
import { toCsv } from './csv';
import {
  cacheHitRates,
  costPerDay,
  costPerTier,
  daysBetween,
  OTHER,
  periodTotals,
  savingsSeries,
  tierMix,
  tokensByKind,
} from './series';

type Log = Pick<
  SpendLogRow,
  'started_at' | 'provider' | 'model' | 'router' | 'tier' | 'cost_usd' | 'baseline_cost_usd' | 'kind'
> & { input: number; output: number };

/** The rows a `/spend/logs` page would hold for three days of traffic. */
const LOGS: Log[] = [
  {
    started_at: '2026-03-01T09:00:00Z',
    provider: 'openai',
    model: 'gpt-5.4-mini',
    router: 'frontier-router',
    tier: 'SIMPLE',
    cost_usd: 0.001,
    baseline_cost_usd: 0.02,
    kind: 'upstream',
    input: 10,
    output: 5,
  },
  {
    started_at: '2026-03-01T10:00:00Z',
    provider: 'anthropic',
    model: 'claude-opus-4-8',
    router: 'frontier-router',
    tier: 'REASONING',
    cost_usd: 0.03,
    baseline_cost_usd: 0.03,
    kind: 'upstream',
    input: 100,
    output: 50,
  },
  {
    started_at: '2026-03-01T11:00:00Z',
    provider: 'mistral',
    model: 'mistral-small-4',
    router: null,
    tier: null,
    cost_usd: 0.0005,
    baseline_cost_usd: null,
    kind: 'upstream',
    input: 7,
    output: 3,
  },
  {
    started_at: '2026-03-03T08:00:00Z',
    provider: 'openai',
    model: 'gpt-5.4-mini',
    router: 'frontier-router',
    tier: 'SIMPLE',
    cost_usd: 0.002,
    baseline_cost_usd: 0.04,
    kind: 'upstream',
    input: 20,
    output: 10,
  },
  {
    started_at: '2026-03-03T09:00:00Z',
    provider: 'openai',
    model: 'gpt-5.4-mini',
    router: null,
    tier: null,
    cost_usd: 0,
    baseline_cost_usd: null,
    kind: 'cache_hit',
    input: 20,
    output: 10,
  },
];

function totalsOf(logs: Log[]): SpendTotals {
  const routed = logs.filter((log) => log.baseline_cost_usd !== null);
  const input = logs.reduce((sum, log) => sum + log.input, 0);
  const output = logs.reduce((sum, log) => sum + log.output, 0);
  return {
    requests: logs.length,
    successes: logs.length,
    errors: 0,
    cache_hits: logs.filter((log) => log.kind === 'cache_hit').length,
    refusals: 0,
    unpriced_requests: 0,
    tokens: {
      input,
      input_no_cache: input,
      input_cache_read: 0,
      input_cache_write: 0,
      output,
      output_reasoning: 0,
      total: input + output,
    },
    cost_usd: logs.reduce((sum, log) => sum + (log.cost_usd ?? 0), 0),
    saved_cost_usd: 0,
    baseline_cost_usd:
      routed.length > 0 ? routed.reduce((sum, log) => sum + log.baseline_cost_usd!, 0) : null,
    routed_cost_usd: routed.length > 0 ? routed.reduce((sum, log) => sum + log.cost_usd!, 0) : null,
    savings_usd:
      routed.length > 0 ? routed.reduce((sum, log) => sum + log.baseline_cost_usd! - log.cost_usd!, 0) : null,
  };
}

const groupBy = (logs: Log[], key: (log: Log) => string) => {
  const groups: Record<string, Log[]> = {};
  for (const log of logs) (groups[key(log)] ??= []).push(log);
  return groups;
};
const mapValues = <T, U>(record: Record<string, T>, map: (value: T) => U): Record<string, U> =>
  Object.fromEntries(Object.entries(record).map(([name, value]) => [name, map(value)]));

/** What `/spend/daily` answers for LOGS (the ledger sums the same rows into its rollups). */
function dailyOf(logs: Log[], start: string, end: string): SpendDaily {
  const days = groupBy(logs, (log) => log.started_at.slice(0, 10));
  return {
    start_date: start,
    end_date: end,
    results: Object.entries(days).map(([date, rows]) => ({
      date,
      metrics: totalsOf(rows),
      breakdown: {
        providers: mapValues(
          groupBy(rows, (log) => log.provider),
          totalsOf,
        ),
        models: mapValues(
          groupBy(rows, (log) => log.model),
          totalsOf,
        ),
        routers: mapValues(
          groupBy(
            rows.filter((log) => log.router !== null),
            (log) => log.router!,
          ),
          (routed) =>
            mapValues(
              groupBy(routed, (log) => log.tier!),
              totalsOf,
            ),
        ),
      },
    })),
    totals: totalsOf(logs),
  };
}

const DAILY = dailyOf(LOGS, '2026-03-01', '2026-03-04');
const sumOf = (logs: Log[], value: (log: Log) => number) => logs.reduce((sum, log) => sum + value(log), 0);
const onDay = (date: string) => LOGS.filter((log) => log.started_at.startsWith(date));

describe('console chart series', () => {
  it('lists every day of the range, both ends included', () => {
    expect(daysBetween('2026-02-27', '2026-03-02')).toEqual([
      '2026-02-27',
      '2026-02-28',
      '2026-03-01',
      '2026-03-02',
    ]);
  });

  it('charts cost per day by provider as the sum of that day’s logs, zero on days without usage', () => {
    const sut = costPerDay(DAILY, 'providers');
    expect(sut.rows.map((row) => row.date)).toEqual(['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04']);
    expect(sut.keys).toEqual(['anthropic', 'openai', 'mistral']);
    for (const row of sut.rows) {
      for (const provider of sut.keys) {
        const logged = sumOf(
          onDay(row.date).filter((log) => log.provider === provider),
          (log) => log.cost_usd ?? 0,
        );
        expect(row[provider]).toBeCloseTo(logged, 12);
      }
    }
  });

  it('folds the smaller series into "other" without losing cost', () => {
    const sut = costPerDay(DAILY, 'models', 1);
    expect(sut.keys).toEqual(['claude-opus-4-8', OTHER]);
    const first = sut.rows[0];
    expect(first[OTHER]).toBeCloseTo(0.001 + 0.0005, 12);
    const charted = sut.rows.reduce(
      (sum, row) => sum + Number(row['claude-opus-4-8']) + Number(row[OTHER]),
      0,
    );
    expect(charted).toBeCloseTo(
      sumOf(LOGS, (log) => log.cost_usd ?? 0),
      12,
    );
  });

  it('shows router savings per day and in total as baseline minus cost of the routed logs', () => {
    const sut = savingsSeries(DAILY);
    const routed = LOGS.filter((log) => log.baseline_cost_usd !== null);
    expect(sut.total.savings).toBeCloseTo(
      sumOf(routed, (log) => log.baseline_cost_usd! - log.cost_usd!),
      12,
    );
    expect(sut.total.paid).toBeCloseTo(
      sumOf(routed, (log) => log.cost_usd!),
      12,
    );
    const third = sut.rows.find((row) => row.date === '2026-03-03')!;
    expect(third).toEqual({ date: '2026-03-03', paid: 0.002, baseline: 0.04, savings: 0.04 - 0.002 });
    expect(sut.rows.find((row) => row.date === '2026-03-02')).toEqual({
      date: '2026-03-02',
      paid: 0,
      baseline: 0,
      savings: 0,
    });
  });

  it('counts a router’s requests per tier per day in tier order, and its cost per tier', () => {
    const mix = tierMix(DAILY, 'frontier-router');
    expect(mix.keys).toEqual(['SIMPLE', 'REASONING']);
    expect(mix.rows[0]).toEqual({ date: '2026-03-01', SIMPLE: 1, REASONING: 1 });
    expect(mix.rows[2]).toEqual({ date: '2026-03-03', SIMPLE: 1, REASONING: 0 });
    expect(costPerTier(DAILY, 'frontier-router')).toEqual([
      { tier: 'SIMPLE', requests: 2, cost_usd: 0.003, baseline_cost_usd: 0.06 },
      { tier: 'REASONING', requests: 1, cost_usd: 0.03, baseline_cost_usd: 0.03 },
    ]);
  });

  it('sums today, 7 and 30 days from the days in range', () => {
    const sut = periodTotals(DAILY, '2026-03-03');
    expect(sut.today).toEqual({ cost_usd: 0.002, requests: 2 });
    expect(sut.week.requests).toBe(LOGS.length);
    expect(sut.month.cost_usd).toBeCloseTo(
      sumOf(LOGS, (log) => log.cost_usd ?? 0),
      12,
    );
  });

  it('splits tokens by kind and computes cache hit rates', () => {
    const kinds = tokensByKind(DAILY.totals);
    expect(kinds.find((kind) => kind.kind === 'fresh input')?.tokens).toBe(sumOf(LOGS, (log) => log.input));
    expect(cacheHitRates(DAILY.totals).responses).toBeCloseTo(1 / LOGS.length, 12);
  });

  it('exports CSV with quoted fields and no spreadsheet formulas', () => {
    const row = {
      started_at: '2026-03-01T00:00:00Z',
      user: '=HYPERLINK("x")',
      model: 'a,b',
    } as unknown as SpendLogRow;
    const [header, line] = toCsv([row]).split('\r\n');
    expect(header.split(',')[0]).toBe('started_at');
    expect(line).toContain('"\'=HYPERLINK(""x"")"');
    expect(line).toContain('"a,b"');
  });

  it('exports the team, internal user and tags of a row, the tags in one cell', () => {
    const row = {
      started_at: '2026-03-01T00:00:00Z',
      team_id: 'backend',
      user_id: 'ana',
      request_tags: ['=cmd', 'ci'],
    } as unknown as SpendLogRow;
    const [header, line] = toCsv([row]).split('\r\n');
    const columns = header.split(',');
    const cells = line.split(',');
    expect(cells[columns.indexOf('team_id')]).toBe('backend');
    expect(cells[columns.indexOf('user_id')]).toBe('ana');
    expect(cells[columns.indexOf('request_tags')]).toBe(`"'=cmd;ci"`);
  });
});
