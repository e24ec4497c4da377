import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { type BudgetWindow, budgetWindowAt, type UsageEvent } from '@switchyard/contracts';
import { DATA_SOURCE } from '../infrastructure/tokens';
import { type Attribution, Attributions } from './attribution';
import { storableJson } from './storable-json';

/** column name, SQL type, and how to read it from an event and whom it is charged to. */
const COLUMNS: readonly [string, string, (event: UsageEvent, attribution: Attribution) => unknown][] = [
  ['event_id', 'uuid', (event) => event.eventId],
  ['request_id', 'text', (event) => event.requestId],
  ['attempt', 'int4', (event) => event.attempt],
  ['retry', 'int4', (event) => event.retry],
  ['kind', 'text', (event) => event.kind],
  ['status', 'text', (event) => event.status],
  ['http_status', 'int4', (event) => event.httpStatus],
  ['error_type', 'text', (event) => event.errorType],
  ['endpoint', 'text', (event) => event.endpoint],
  ['stream', 'bool', (event) => event.stream],
  ['started_at', 'timestamptz', (event) => event.startedAt],
  ['model_group', 'text', (event) => event.modelGroup],
  ['model', 'text', (event) => event.model],
  ['deployment_id', 'text', (event) => event.deploymentId],
  ['provider', 'text', (event) => event.provider],
  ['provider_model', 'text', (event) => event.providerModel],
  ['router', 'text', (event) => event.route?.router ?? null],
  ['tier', 'text', (event) => event.route?.tier ?? null],
  ['route_score', 'float8', (event) => event.route?.score ?? null],
  ['route_cause', 'text', (event) => event.route?.cause ?? null],
  ['route_dimensions', 'jsonb', (event) => event.route?.dimensions ?? null],
  ['input_tokens', 'int4', (event) => event.tokens.input.total],
  ['input_no_cache_tokens', 'int4', (event) => event.tokens.input.noCache],
  ['input_cache_read_tokens', 'int4', (event) => event.tokens.input.cacheRead],
  ['input_cache_write_tokens', 'int4', (event) => event.tokens.input.cacheWrite],
  ['output_tokens', 'int4', (event) => event.tokens.output.total],
  ['output_reasoning_tokens', 'int4', (event) => event.tokens.output.reasoning],
  ['usage_estimated', 'bool', (event) => event.usageEstimated],
  ['cost_usd', 'numeric', (event) => event.costUsd],
  ['saved_cost_usd', 'numeric', (event) => event.savedCostUsd],
  ['baseline_cost_usd', 'numeric', (event) => event.baselineCostUsd],
  ['latency_ms', 'float8', (event) => event.latencyMs],
  ['ttft_ms', 'float8', (event) => event.ttftMs],
  ['key_id', 'text', (event) => event.keyId],
  ['session_id', 'text', (event) => event.sessionId],
  ['end_user', 'text', (event) => event.user],
  ['metadata', 'jsonb', (event) => event.metadata],
  ['team_id', 'text', (_event, attribution) => attribution.teamId],
  ['user_id', 'text', (_event, attribution) => attribution.userId],
  ['request_tags', 'text[]', (_event, attribution) => attribution.tags],
];

/** the rows that count for router savings: both what they cost and their baseline are known. */
const PRICED_ROUTE = 'baseline_cost_usd IS NOT NULL AND cost_usd IS NOT NULL';

function toRow(event: UsageEvent, attribution: Attribution): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const [name, , read] of COLUMNS) row[name] = read(event, attribution);
  return row;
}

/** The dimensions of both daily rollups besides the day (and the tag), in key order. */
const ROLLUP_DIMENSIONS = `coalesce(key_id, ''), model, provider, coalesce(router, ''), coalesce(tier, ''),
      coalesce(team_id, ''), coalesce(user_id, ''), coalesce(end_user, '')`;
const ROLLUP_KEY = 'key_id, model, provider, router, tier, team_id, user_id, end_user';

/** Sums added to a daily rollup row, in column order (`rollup.x + excluded.x` on conflict). */
const ROLLUP_SUMS: readonly [string, string][] = [
  ['requests', 'count(*)'],
  ['successes', "count(*) FILTER (WHERE status = 'success')"],
  ['errors', "count(*) FILTER (WHERE status <> 'success')"],
  ['cache_hits', "count(*) FILTER (WHERE kind = 'cache_hit')"],
  ['refusals', "count(*) FILTER (WHERE kind = 'refusal')"],
  ['unpriced_requests', 'count(*) FILTER (WHERE cost_usd IS NULL)'],
  ['input_tokens', 'sum(input_tokens)'],
  ['input_no_cache_tokens', 'sum(input_no_cache_tokens)'],
  ['input_cache_read_tokens', 'sum(input_cache_read_tokens)'],
  ['input_cache_write_tokens', 'sum(input_cache_write_tokens)'],
  ['output_tokens', 'sum(output_tokens)'],
  ['output_reasoning_tokens', 'sum(output_reasoning_tokens)'],
  ['cost_usd', 'coalesce(sum(cost_usd), 0)'],
  ['saved_cost_usd', 'coalesce(sum(saved_cost_usd), 0)'],
  ['routed_requests', `count(*) FILTER (WHERE ${PRICED_ROUTE})`],
  ['routed_cost_usd', `coalesce(sum(cost_usd) FILTER (WHERE ${PRICED_ROUTE}), 0)`],
  ['baseline_cost_usd', `coalesce(sum(baseline_cost_usd) FILTER (WHERE ${PRICED_ROUTE}), 0)`],
];

/**
 * One statement: insert the events (an id already stored is skipped) and add the new ones to
 * their daily rollups, so a rollup can never disagree with the rows it sums.
 */
const INSERT_SQL = `
  WITH inserted AS (
    INSERT INTO usage_events (${COLUMNS.map(([name]) => name).join(', ')})
    SELECT * FROM json_to_recordset($1::json) AS event(${COLUMNS.map(([name, type]) => `${name} ${type}`).join(', ')})
    ON CONFLICT (event_id) DO NOTHING
    RETURNING event_id, started_at, key_id, team_id, user_id, end_user, request_tags, model, provider,
      router, tier, kind, status, input_tokens,
      input_no_cache_tokens, input_cache_read_tokens, input_cache_write_tokens, output_tokens,
      output_reasoning_tokens, cost_usd, saved_cost_usd, baseline_cost_usd
  ), rolled_up AS (
    INSERT INTO usage_daily_rollups AS rollup
      (day, ${ROLLUP_KEY}, ${ROLLUP_SUMS.map(([name]) => name).join(', ')})
    SELECT (started_at AT TIME ZONE 'UTC')::date, ${ROLLUP_DIMENSIONS},
      ${ROLLUP_SUMS.map(([, sum]) => sum).join(', ')}
    FROM inserted
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
    ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9
    ON CONFLICT (day, ${ROLLUP_KEY}) DO UPDATE SET
      ${ROLLUP_SUMS.map(([name]) => `${name} = rollup.${name} + excluded.${name}`).join(',\n      ')}
  ), tag_rolled_up AS (
    INSERT INTO usage_daily_tag_rollups AS rollup
      (day, tag, ${ROLLUP_KEY}, ${ROLLUP_SUMS.map(([name]) => name).join(', ')})
    SELECT (started_at AT TIME ZONE 'UTC')::date, tag, ${ROLLUP_DIMENSIONS},
      ${ROLLUP_SUMS.map(([, sum]) => sum).join(', ')}
    FROM inserted CROSS JOIN LATERAL unnest(request_tags) AS tag
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
    ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
    ON CONFLICT (day, tag, ${ROLLUP_KEY}) DO UPDATE SET
      ${ROLLUP_SUMS.map(([name]) => `${name} = rollup.${name} + excluded.${name}`).join(',\n      ')}
  )
  SELECT event_id FROM inserted`;

/** Adds new events' costs to their key's budget window; returns each window's new total. */
const KEY_SPEND_SQL = `
  INSERT INTO key_spend AS spend (key_id, window_start_ms, window_end_ms, spend_usd)
  SELECT key_id, start_ms, end_ms, sum(cost::numeric(24, 12))
  FROM unnest($1::text[], $2::int8[], $3::int8[], $4::numeric[]) AS event(key_id, start_ms, end_ms, cost)
  GROUP BY 1, 2, 3
  ORDER BY 1, 2, 3
  ON CONFLICT (key_id, window_start_ms, window_end_ms) DO UPDATE SET spend_usd = spend.spend_usd + excluded.spend_usd
  RETURNING key_id, window_start_ms::text AS start_ms, window_end_ms::text AS end_ms, spend_usd::text AS spend`;

/** A key's spend in one budget window, as committed (absolute, exact decimal text). */
export interface KeyWindowSpend {
  keyId: string;
  window: BudgetWindow;
  spendUsd: string;
}

export interface InsertResult {
  /** the events that were new (not already stored). */
  inserted: UsageEvent[];
  /** the budget windows these events added to (keys, teams, users, customers), with their new totals. */
  keyWindows: KeyWindowSpend[];
  /** the scopes of these events that have a budget (`max_budget`): key ids and scope ids. */
  budgetedKeyIds: string[];
  /** each new event's budgeted scopes besides its key (`team:<id>`, …), whose reservations it releases. */
  eventScopes?: Map<string, string[]>;
}

/**
 * Writes a batch of usage events in one transaction: the rows (one JSON parameter, whatever the
 * batch size; an event id already stored is skipped, so redelivery never double-counts), their
 * daily rollups (by key, team, internal user, end user, and by tag), and the spend of each budget
 * window of its key, team, internal user and end user. The keys, teams, users and customers are
 * read `FOR SHARE` (`Attributions`), so a concurrent change of a budget duration (which recounts its
 * window) waits for the batch, or the batch for it: either way every cost lands in exactly one
 * window.
 */
@Injectable()
export class UsageStore {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  async insert(events: readonly UsageEvent[]): Promise<InsertResult> {
    if (events.length === 0)
      return { inserted: [], keyWindows: [], budgetedKeyIds: [], eventScopes: new Map() };
    // sorted, so concurrent writers lock rows in the same order
    const unique = [...new Map(events.map((event) => [event.eventId, event])).values()].sort((left, right) =>
      left.eventId < right.eventId ? -1 : left.eventId > right.eventId ? 1 : 0,
    );
    if (!Attributions.needsLookup(unique)) {
      // no key or end user to charge: the statement alone is atomic
      return {
        inserted: await this.insertRows(this.dataSource.manager, unique, Attributions.none()),
        keyWindows: [],
        budgetedKeyIds: [],
        eventScopes: new Map(),
      };
    }
    return this.dataSource.transaction(async (manager) => {
      const attributions = await Attributions.load(manager, unique);
      const inserted = await this.insertRows(manager, unique, attributions);
      const budgeted = new Set<string>();
      const eventScopes = new Map<string, string[]>();
      for (const event of unique) {
        const scopes = attributions.scopesOf(event).filter((scope) => scope.budgeted);
        for (const scope of scopes) budgeted.add(scope.scopeId);
        const extra = scopes.map((scope) => scope.scopeId).filter((scopeId) => scopeId !== event.keyId);
        if (extra.length > 0) eventScopes.set(event.eventId, extra);
      }
      return {
        inserted,
        keyWindows: await this.chargeScopes(manager, inserted, attributions),
        budgetedKeyIds: [...budgeted],
        eventScopes,
      };
    });
  }

  private async insertRows(
    manager: EntityManager,
    events: UsageEvent[],
    attributions: Attributions,
  ): Promise<UsageEvent[]> {
    // one JSON parameter: JSON.stringify and Postgres' JSON parser are native, array literals are not;
    // what no text or jsonb column can hold (NUL, lone surrogates), in any field, becomes U+FFFD
    const rows: { event_id: string }[] = await manager.query(INSERT_SQL, [
      storableJson(JSON.stringify(events.map((event) => toRow(event, attributions.of(event))))),
    ]);
    const inserted = new Set(rows.map((row) => row.event_id));
    return events.filter((event) => inserted.has(event.eventId));
  }

  private async chargeScopes(
    manager: EntityManager,
    inserted: readonly UsageEvent[],
    attributions: Attributions,
  ): Promise<KeyWindowSpend[]> {
    const columns: [string[], number[], number[], string[]] = [[], [], [], []];
    for (const event of inserted) {
      if (event.costUsd === null) continue;
      for (const scope of attributions.scopesOf(event)) {
        const window = budgetWindowAt(scope.anchorMs, scope.duration, Date.parse(event.startedAt));
        columns[0].push(scope.scopeId);
        columns[1].push(window.startMs);
        columns[2].push(window.endMs);
        columns[3].push(String(event.costUsd));
      }
    }
    if (columns[0].length === 0) return [];
    const rows: { key_id: string; start_ms: string; end_ms: string; spend: string }[] = await manager.query(
      KEY_SPEND_SQL,
      columns,
    );
    return rows.map((row) => ({
      keyId: row.key_id,
      window: { startMs: Number(row.start_ms), endMs: Number(row.end_ms) },
      spendUsd: row.spend,
    }));
  }
}
