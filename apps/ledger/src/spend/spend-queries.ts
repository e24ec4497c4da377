import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import {
  GatewayError,
  type KeyRef,
  type SpendGroupBy,
  type SpendLogRow,
  type SpendLogsMessage,
  type SpendLogsPage,
  type SpendReport,
  type SpendReportMessage,
  type SpendReportRow,
  type SpendTotals,
} from '@switchyard/contracts';
import { KeyStore, keyNotFound } from '../database/key-store';
import { DATA_SOURCE } from '../infrastructure/tokens';

const GROUP_EXPRESSIONS = {
  model: 'model',
  key: 'key_id',
  provider: 'provider',
  router: 'router',
  tier: 'tier',
  day: `to_char(day, 'YYYY-MM-DD')`,
  team: 'team_id',
  user: 'user_id',
  customer: 'end_user',
  tag: 'tag',
} as const satisfies Record<SpendGroupBy, string>;

export const REPORT_SUMS = `
  sum(requests)::text AS requests, sum(successes)::text AS successes, sum(errors)::text AS errors,
  sum(cache_hits)::text AS cache_hits, sum(refusals)::text AS refusals,
  sum(unpriced_requests)::text AS unpriced_requests, sum(input_tokens)::text AS input_tokens,
  sum(input_no_cache_tokens)::text AS input_no_cache_tokens,
  sum(input_cache_read_tokens)::text AS input_cache_read_tokens,
  sum(input_cache_write_tokens)::text AS input_cache_write_tokens,
  sum(output_tokens)::text AS output_tokens, sum(output_reasoning_tokens)::text AS output_reasoning_tokens,
  sum(cost_usd)::text AS cost_usd, sum(saved_cost_usd)::text AS saved_cost_usd,
  sum(routed_requests)::text AS routed_requests, sum(routed_cost_usd)::text AS routed_cost_usd,
  sum(baseline_cost_usd)::text AS baseline_cost_usd,
  (sum(baseline_cost_usd) - sum(routed_cost_usd))::text AS savings_usd`;

export interface SumsRow {
  requests: string;
  successes: string;
  errors: string;
  cache_hits: string;
  refusals: string;
  unpriced_requests: string;
  input_tokens: string;
  input_no_cache_tokens: string;
  input_cache_read_tokens: string;
  input_cache_write_tokens: string;
  output_tokens: string;
  output_reasoning_tokens: string;
  cost_usd: string;
  saved_cost_usd: string;
  routed_requests: string;
  routed_cost_usd: string;
  baseline_cost_usd: string;
  savings_usd: string;
}

interface ReportRow extends SumsRow {
  grouped: string | null;
  is_total: number;
  key_alias: string | null;
  key_name: string | null;
}

interface LogRow extends Omit<
  SpendLogRow,
  'started_at' | 'cost_usd' | 'saved_cost_usd' | 'baseline_cost_usd' | 'total_tokens' | 'user'
> {
  started_at_text: string;
  end_user: string | null;
  cost_usd: string | null;
  saved_cost_usd: string | null;
  baseline_cost_usd: string | null;
}

/**
 * Spend logs (usage rows, newest first, keyset-paginated: a page costs the same wherever it is)
 * and spend reports (sums of the daily rollups, never a scan of the usage rows).
 */
@Injectable()
export class SpendQueries {
  private readonly keys = new KeyStore();

  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  async logs(message: SpendLogsMessage): Promise<SpendLogsPage> {
    const conditions: string[] = [];
    const parameters: unknown[] = [];
    const where = (condition: (placeholder: string) => string, value: unknown) => {
      parameters.push(value);
      conditions.push(condition(`$${parameters.length}`));
    };
    if (message.key !== null) where((p) => `key_id = ${p}`, await this.keyIdOf(message.key));
    if (message.model !== null) where((p) => `model = ${p}`, message.model);
    if (message.modelGroup !== null) where((p) => `model_group = ${p}`, message.modelGroup);
    if (message.requestId !== null) where((p) => `request_id = ${p}`, message.requestId);
    if (message.provider !== null) where((p) => `provider = ${p}`, message.provider);
    if (message.router !== null) where((p) => `router = ${p}`, message.router);
    if (message.tier !== null) where((p) => `tier = ${p}`, message.tier);
    if (message.endpoint !== null) where((p) => `endpoint = ${p}`, message.endpoint);
    if (message.status !== null) where((p) => `status = ${p}`, message.status);
    if (message.teamId) where((p) => `team_id = ${p}`, message.teamId);
    if (message.userId) where((p) => `user_id = ${p}`, message.userId);
    if (message.tag) where((p) => `request_tags @> ARRAY[${p}::text]`, message.tag);
    if (message.customer) where((p) => `end_user = ${p}`, message.customer);
    if (message.start !== null) where((p) => `started_at >= ${p}::timestamptz`, asInstant(message.start));
    if (message.end !== null) where((p) => `started_at < ${p}::timestamptz`, asInstant(message.end));
    if (message.cursor !== null) {
      const [startedAt, eventId] = decodeCursor(message.cursor);
      parameters.push(startedAt, eventId);
      conditions.push(
        `(started_at, event_id) < ($${parameters.length - 1}::timestamptz, $${parameters.length}::uuid)`,
      );
    }
    parameters.push(message.limit + 1);
    const rows: LogRow[] = await this.dataSource.query(
      `SELECT event_id, request_id, attempt, retry, kind, status, http_status, error_type, endpoint, stream,
         to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS started_at_text,
         model_group, model, provider, provider_model, deployment_id, router, tier, route_score, route_cause,
         input_tokens, input_no_cache_tokens, input_cache_read_tokens, input_cache_write_tokens,
         output_tokens, output_reasoning_tokens, usage_estimated, cost_usd::text AS cost_usd,
         saved_cost_usd::text AS saved_cost_usd, baseline_cost_usd::text AS baseline_cost_usd,
         latency_ms, ttft_ms, key_id, session_id, end_user, team_id, user_id, request_tags, metadata
       FROM usage_events
       ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}
       ORDER BY started_at DESC, event_id DESC
       LIMIT $${parameters.length}`,
      parameters,
    );
    const page = rows.slice(0, message.limit);
    const last = page.at(-1);
    return {
      data: page.map(toLogRow),
      next_cursor:
        rows.length > message.limit && last ? encodeCursor(last.started_at_text, last.event_id) : null,
    };
  }

  async report(message: SpendReportMessage): Promise<SpendReport> {
    const group = GROUP_EXPRESSIONS[message.groupBy];
    const conditions: string[] = [];
    const parameters: unknown[] = [];
    if (message.startDate !== null) {
      parameters.push(message.startDate);
      conditions.push(`day >= $${parameters.length}::date`);
    }
    if (message.endDate !== null) {
      parameters.push(message.endDate);
      conditions.push(`day <= $${parameters.length}::date`);
    }
    if (message.key !== null) {
      parameters.push(await this.keyIdOf(message.key));
      conditions.push(`key_id = $${parameters.length}`);
    }
    for (const [column, value] of [
      ['team_id', message.teamId],
      ['user_id', message.userId],
      ['end_user', message.customer],
      ['tag', message.tag],
    ] as const) {
      if (!value) continue;
      parameters.push(value);
      conditions.push(`${column} = $${parameters.length}`);
    }
    // a tag is in the tag rollup only, where a request counts once under each of its tags
    const rollups =
      message.groupBy === 'tag' || message.tag ? 'usage_daily_tag_rollups' : 'usage_daily_rollups';
    const rows: ReportRow[] = await this.dataSource.query(
      `WITH sums AS (
         SELECT ${group} AS grouped, GROUPING(${group}) AS is_total, ${REPORT_SUMS}
         FROM ${rollups}
         ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}
         GROUP BY ROLLUP (${group})
       )
       SELECT sums.*, keys.key_alias, keys.key_name
       FROM sums LEFT JOIN virtual_keys keys ON ${message.groupBy === 'key' ? 'keys.key_id = sums.grouped' : 'false'}
       ORDER BY sums.is_total, sums.cost_usd::numeric DESC, sums.grouped`,
      parameters,
    );
    const total = rows.find((row) => Number(row.is_total) === 1);
    return {
      group_by: message.groupBy,
      start_date: message.startDate,
      end_date: message.endDate,
      rows: rows.filter((row) => Number(row.is_total) === 0).map((row) => toReportRow(row, message.groupBy)),
      totals: total ? toTotals(total) : emptyTotals(),
    };
  }

  async keyIdOf(ref: KeyRef): Promise<string> {
    if (ref.by === 'id') return ref.value;
    const row = await this.keys.find(this.dataSource.manager, ref);
    if (!row) throw keyNotFound(ref);
    return row.key_id;
  }
}

function toReportRow(row: ReportRow, groupBy: SpendGroupBy): SpendReportRow {
  const grouped = row.grouped === '' ? null : row.grouped;
  return {
    group: grouped,
    ...(groupBy === 'key' ? { key_alias: row.key_alias, key_name: row.key_name } : {}),
    ...toTotals(row),
  };
}

export function toTotals(row: SumsRow): SpendTotals {
  const input = Number(row.input_tokens);
  const output = Number(row.output_tokens);
  const routed = Number(row.routed_requests) > 0;
  return {
    requests: Number(row.requests),
    successes: Number(row.successes),
    errors: Number(row.errors),
    cache_hits: Number(row.cache_hits),
    refusals: Number(row.refusals),
    unpriced_requests: Number(row.unpriced_requests),
    tokens: {
      input,
      input_no_cache: Number(row.input_no_cache_tokens),
      input_cache_read: Number(row.input_cache_read_tokens),
      input_cache_write: Number(row.input_cache_write_tokens),
      output,
      output_reasoning: Number(row.output_reasoning_tokens),
      total: input + output,
    },
    cost_usd: Number(row.cost_usd),
    saved_cost_usd: Number(row.saved_cost_usd),
    baseline_cost_usd: routed ? Number(row.baseline_cost_usd) : null,
    routed_cost_usd: routed ? Number(row.routed_cost_usd) : null,
    savings_usd: routed ? Number(row.savings_usd) : null,
  };
}

export function emptyTotals(): SpendTotals {
  return {
    requests: 0,
    successes: 0,
    errors: 0,
    cache_hits: 0,
    refusals: 0,
    unpriced_requests: 0,
    tokens: {
      input: 0,
      input_no_cache: 0,
      input_cache_read: 0,
      input_cache_write: 0,
      output: 0,
      output_reasoning: 0,
      total: 0,
    },
    cost_usd: 0,
    saved_cost_usd: 0,
    baseline_cost_usd: null,
    routed_cost_usd: null,
    savings_usd: null,
  };
}

function toLogRow(row: LogRow): SpendLogRow {
  const { started_at_text, end_user, cost_usd, saved_cost_usd, baseline_cost_usd, ...rest } = row;
  return {
    ...rest,
    started_at: started_at_text,
    user: end_user,
    cost_usd: cost_usd === null ? null : Number(cost_usd),
    saved_cost_usd: saved_cost_usd === null ? null : Number(saved_cost_usd),
    baseline_cost_usd: baseline_cost_usd === null ? null : Number(baseline_cost_usd),
    total_tokens: row.input_tokens + row.output_tokens,
  };
}

/** A date alone is the start of that day in UTC. */
function asInstant(value: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
}

function encodeCursor(startedAt: string, eventId: string): string {
  return Buffer.from(JSON.stringify([startedAt, eventId])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(value[0]) &&
      typeof value[1] === 'string' &&
      /^[0-9a-f-]{36}$/.test(value[1])
    ) {
      return [value[0], value[1]];
    }
  } catch {
    // reported below
  }
  throw GatewayError.invalidRequest(
    'Invalid cursor: pass the next_cursor of the previous page.',
    'cursor',
    'invalid_cursor',
  );
}
