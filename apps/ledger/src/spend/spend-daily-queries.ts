import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type {
  SpendDaily,
  SpendDailyMessage,
  SpendDay,
  SpendLatency,
  SpendLatencyMessage,
  SpendTotals,
} from '@switchyard/contracts';
import { DATA_SOURCE } from '../infrastructure/tokens';
import { emptyTotals, REPORT_SUMS, SpendQueries, type SumsRow, toTotals } from './spend-queries';

interface DailyRow extends SumsRow {
  day_text: string | null;
  provider: string | null;
  model: string | null;
  router: string | null;
  tier: string | null;
  grouped_day: number | string;
  grouped_provider: number | string;
  grouped_model: number | string;
  grouped_route: number | string;
}

interface LatencyRow {
  deployment_id: string | null;
  model: string;
  provider: string;
  requests: string;
  errors: string;
  latency_p50_ms: number;
  latency_p99_ms: number;
  ttft_p50_ms: number | null;
  ttft_p99_ms: number | null;
}

/**
 * What the console charts: per-day totals broken down by provider, model and router tier (one
 * query over the daily rollups with grouping sets, never a scan of the usage rows), and recent
 * latency percentiles per deployment (a scan of the last minutes of usage rows by `started_at`).
 */
@Injectable()
export class SpendDailyQueries {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(SpendQueries) private readonly spendQueries: SpendQueries,
  ) {}

  async daily(message: SpendDailyMessage): Promise<SpendDaily> {
    const parameters: unknown[] = [message.startDate, message.endDate];
    const conditions = ['day >= $1::date', 'day <= $2::date'];
    if (message.key !== null) {
      parameters.push(await this.spendQueries.keyIdOf(message.key));
      conditions.push(`key_id = $${parameters.length}`);
    }
    const rows: DailyRow[] = await this.dataSource.query(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day_text, provider, model, router, tier,
         GROUPING(day) AS grouped_day, GROUPING(provider) AS grouped_provider,
         GROUPING(model) AS grouped_model, GROUPING(router, tier) AS grouped_route, ${REPORT_SUMS}
       FROM usage_daily_rollups
       WHERE ${conditions.join(' AND ')}
       GROUP BY GROUPING SETS ((day), (day, provider), (day, model), (day, router, tier), ())
       ORDER BY day`,
      parameters,
    );
    const days = new Map<string, SpendDay>();
    let totals: SpendTotals = emptyTotals();
    for (const row of rows) {
      if (Number(row.grouped_day) === 1) {
        totals = toTotals(row);
        continue;
      }
      const date = row.day_text ?? '';
      let day = days.get(date);
      if (!day) {
        day = { date, metrics: emptyTotals(), breakdown: { providers: {}, models: {}, routers: {} } };
        days.set(date, day);
      }
      if (Number(row.grouped_provider) === 0) day.breakdown.providers[row.provider ?? ''] = toTotals(row);
      else if (Number(row.grouped_model) === 0) day.breakdown.models[row.model ?? ''] = toTotals(row);
      else if (Number(row.grouped_route) === 0) {
        // the rollups spell "not routed" as an empty router
        if (!row.router) continue;
        day.breakdown.routers[row.router] ??= {};
        day.breakdown.routers[row.router][row.tier ?? ''] = toTotals(row);
      } else day.metrics = toTotals(row);
    }
    return {
      start_date: message.startDate,
      end_date: message.endDate,
      results: [...days.values()],
      totals,
    };
  }

  async latency(message: SpendLatencyMessage): Promise<SpendLatency> {
    const rows: LatencyRow[] = await this.dataSource.query(
      `SELECT deployment_id, model, provider, count(*)::text AS requests,
         count(*) FILTER (WHERE status <> 'success')::text AS errors,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS latency_p50_ms,
         percentile_cont(0.99) WITHIN GROUP (ORDER BY latency_ms) AS latency_p99_ms,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY ttft_ms) AS ttft_p50_ms,
         percentile_cont(0.99) WITHIN GROUP (ORDER BY ttft_ms) AS ttft_p99_ms
       FROM usage_events
       WHERE started_at >= now() - make_interval(mins => $1) AND kind NOT IN ('cache_hit', 'refusal')
       GROUP BY deployment_id, model, provider
       ORDER BY model, deployment_id`,
      [message.minutes],
    );
    return {
      minutes: message.minutes,
      deployments: rows.map((row) => ({
        deployment_id: row.deployment_id,
        model: row.model,
        provider: row.provider,
        requests: Number(row.requests),
        errors: Number(row.errors),
        latency_p50_ms: Number(row.latency_p50_ms),
        latency_p99_ms: Number(row.latency_p99_ms),
        ttft_p50_ms: row.ttft_p50_ms === null ? null : Number(row.ttft_p50_ms),
        ttft_p99_ms: row.ttft_p99_ms === null ? null : Number(row.ttft_p99_ms),
      })),
    };
  }
}
