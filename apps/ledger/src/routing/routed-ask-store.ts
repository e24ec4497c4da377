import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import {
  type ExplicitTierAsk,
  GatewayError,
  IMPLICIT_LABEL_WINDOW_SECONDS,
  type RoutedAsk,
  type RoutedAskRow,
  type RoutedAsksMessage,
  type RoutedAsksPage,
  type RoutingLogRecord,
  TIERS,
  type Tier,
} from '@switchyard/contracts';
import { DATA_SOURCE } from '../infrastructure/tokens';
import { SIMILAR_ASK_THRESHOLD, askSimilarity } from './ask-similarity';

type ListMessage = Extract<RoutedAsksMessage, { op: 'list' }>;
type LabelMessage = Extract<RoutedAsksMessage, { op: 'label' }>;

interface Row {
  id: string;
  request_id: string;
  created_at: Date;
  expires_at: Date;
  router: string;
  tier: Tier | null;
  complexity_tier: Tier | null;
  score: number | null;
  cause: RoutedAskRow['cause'];
  model: string;
  dimensions: RoutedAskRow['dimensions'];
  ask: string;
  session_id: string | null;
  key_id: string | null;
  team_id: string | null;
  label: Tier | null;
  label_source: RoutedAskRow['label_source'];
  labelled_at: Date | null;
}

const COLUMNS = `id::text AS id, request_id, created_at, expires_at, router, tier, complexity_tier, score, cause,
  model, dimensions, ask, session_id, key_id, team_id, label, label_source, labelled_at`;

function toRow(row: Row): RoutedAskRow {
  return {
    ...row,
    created_at: row.created_at.toISOString(),
    expires_at: row.expires_at.toISOString(),
    labelled_at: row.labelled_at?.toISOString() ?? null,
  };
}

const rank = (tier: Tier | null): number => (tier === null ? -1 : TIERS.indexOf(tier));

/**
 * `routed_asks`: the owner's loop in Postgres. Stores what the ingress logged (idempotent by
 * request id, so a redelivered message inserts nothing), applies implicit labels, lists and labels
 * asks for the admin API, and deletes rows past their retention.
 */
@Injectable()
export class RoutedAskStore {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  async record(record: RoutingLogRecord): Promise<void> {
    if (record.kind === 'routed') await this.insert(record);
    else await this.applyExplicit(record);
  }

  private async insert(ask: RoutedAsk): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO routed_asks (request_id, created_at, expires_at, router, tier, complexity_tier, score, cause,
         model, dimensions, ask, session_id, key_id, team_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
       ON CONFLICT (request_id) DO NOTHING`,
      [
        ask.requestId,
        ask.at,
        ask.expiresAt,
        ask.router,
        ask.tier,
        ask.complexityTier,
        ask.score,
        ask.cause,
        ask.model,
        JSON.stringify(ask.dimensions),
        ask.ask.replaceAll('\u0000', ''),
        ask.sessionId,
        ask.keyId,
        ask.teamId,
      ],
    );
  }

  /**
   * The session named a router's tier model itself: its latest logged ask on that router (same
   * key, within the window before this request, routed lower, not labelled by the owner, with a
   * similar ask) gets that tier as an implicit label.
   */
  private async applyExplicit(explicit: ExplicitTierAsk): Promise<void> {
    for (const { router, tier } of explicit.tiers) {
      const [latest] = await this.dataSource.query<
        { id: string; tier: Tier | null; ask: string; label_source: string | null }[]
      >(
        `SELECT id::text AS id, tier, ask, label_source FROM routed_asks
          WHERE session_id = $1 AND router = $2 AND key_id IS NOT DISTINCT FROM $3
            AND created_at <= $4 AND created_at > $4::timestamptz - make_interval(secs => $5)
          ORDER BY routed_asks.created_at DESC, routed_asks.id DESC LIMIT 1`,
        [explicit.sessionId, router, explicit.keyId, explicit.at, IMPLICIT_LABEL_WINDOW_SECONDS],
      );
      if (!latest || latest.label_source === 'owner') continue;
      if (rank(tier) <= rank(latest.tier)) continue;
      if (askSimilarity(latest.ask, explicit.ask) < SIMILAR_ASK_THRESHOLD) continue;
      await this.dataSource.query(
        `UPDATE routed_asks SET label = $2, label_source = 'implicit', labelled_at = $3
          WHERE id = $1 AND label_source IS DISTINCT FROM 'owner'`,
        [latest.id, tier, explicit.at],
      );
    }
  }

  async list(message: ListMessage): Promise<RoutedAsksPage> {
    const conditions: string[] = [];
    const parameters: unknown[] = [];
    const add = (sql: (placeholder: string) => string, value: unknown) => {
      parameters.push(value);
      conditions.push(sql(`$${parameters.length}`));
    };
    if (message.teams !== null) add((p) => `team_id = ANY(${p})`, message.teams);
    if (message.router !== null) add((p) => `router = ${p}`, message.router);
    if (message.tier !== null) add((p) => `tier = ${p}`, message.tier);
    if (message.label !== null) add((p) => `label = ${p}`, message.label);
    if (message.labelled !== null) conditions.push(message.labelled ? 'label IS NOT NULL' : 'label IS NULL');
    if (message.sessionId !== null) add((p) => `session_id = ${p}`, message.sessionId);
    if (message.start !== null) add((p) => `created_at >= ${p}`, message.start);
    if (message.end !== null) add((p) => `created_at < ${p}`, message.end);
    // \`id\` alone would name the text column of the select list: qualify the table's bigint
    if (message.cursor !== null) {
      if (!/^\d{1,18}$/.test(message.cursor)) {
        throw GatewayError.invalidRequest('cursor: not a cursor of GET /routing/asks', 'cursor');
      }
      add((p) => `routed_asks.id < ${p}::bigint`, message.cursor);
    }
    parameters.push(message.limit + 1);
    const rows = await this.dataSource.query<Row[]>(
      `SELECT ${COLUMNS} FROM routed_asks ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}
        ORDER BY routed_asks.id DESC LIMIT $${parameters.length}`,
      parameters,
    );
    const page = rows.slice(0, message.limit);
    return {
      data: page.map(toRow),
      next_cursor: rows.length > message.limit ? page[page.length - 1].id : null,
    };
  }

  async label(message: LabelMessage): Promise<RoutedAskRow> {
    const rows = await this.dataSource.query<[Row[], number]>(
      `UPDATE routed_asks
          SET label = $2, label_source = CASE WHEN $2::text IS NULL THEN NULL ELSE 'owner' END,
              labelled_at = CASE WHEN $2::text IS NULL THEN NULL ELSE now() END
        WHERE id = $1 AND ($3::text[] IS NULL OR team_id = ANY($3::text[]))
        RETURNING ${COLUMNS}`,
      [message.id, message.label, message.teams],
    );
    const updated = rows[0]?.[0];
    if (updated === undefined) {
      throw GatewayError.notFound(`No logged ask with id ${message.id}.`, 'id', 'routed_ask_not_found');
    }
    return toRow(updated);
  }

  /** Deletes the asks past their retention; returns how many. */
  async sweep(now: Date = new Date()): Promise<number> {
    const result = await this.dataSource.query<[unknown[], number]>(
      `DELETE FROM routed_asks WHERE expires_at < $1`,
      [now.toISOString()],
    );
    return result[1];
  }
}
