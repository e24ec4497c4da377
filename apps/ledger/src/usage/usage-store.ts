import type { DataSource } from 'typeorm';
import type { UsageEvent } from '@switchyard/contracts';

/** column name, SQL array type, and how to read it from an event. */
const COLUMNS: readonly [string, string, (event: UsageEvent) => unknown][] = [
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
  ['route_dimensions', 'jsonb', (event) => (event.route ? JSON.stringify(event.route.dimensions) : null)],
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
  ['metadata', 'jsonb', (event) => (event.metadata ? JSON.stringify(event.metadata) : null)],
];

const INSERT_SQL = `
  INSERT INTO usage_events (${COLUMNS.map(([name]) => name).join(', ')})
  SELECT * FROM unnest(${COLUMNS.map(([, type], index) => `$${index + 1}::${type}[]`).join(', ')})
  ON CONFLICT (event_id) DO NOTHING
  RETURNING event_id`;

/**
 * Writes usage events in one statement per batch (one array parameter per column, whatever the
 * batch size); an event id already stored is skipped, so redelivery never double-counts.
 */
export class UsageStore {
  constructor(private readonly dataSource: DataSource) {}

  /** the events that were new (not already stored), in one transaction. */
  async insert(events: readonly UsageEvent[]): Promise<UsageEvent[]> {
    if (events.length === 0) return [];
    const unique = [...new Map(events.map((event) => [event.eventId, event])).values()];
    const parameters = COLUMNS.map(([, , read]) => unique.map(read));
    const rows: { event_id: string }[] = await this.dataSource.query(INSERT_SQL, parameters);
    const inserted = new Set(rows.map((row) => row.event_id));
    return unique.filter((event) => inserted.has(event.eventId));
  }
}
