import { Client } from 'pg';
import type { Tier } from '@switchyard/contracts';
import type { CorpusAsk } from './routing-corpus';

/** One logged ask (`routed_asks`) with the tokens its call used (its usage rows, by request id). */
export interface LoggedAsk {
  id: string;
  requestId: string;
  createdAt: string;
  router: string;
  tier: Tier | null;
  complexityTier: Tier | null;
  model: string;
  ask: string;
  label: Tier | null;
  labelSource: 'owner' | 'implicit' | null;
  /** summed over the call's upstream attempts; 0 when it never reached an upstream. */
  inputTokens: number;
  outputTokens: number;
}

export interface LoggedAskFilter {
  router?: string;
  /** ISO time or date, inclusive. */
  since?: string;
}

async function withDatabase<T>(databaseUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * The owner's labels as corpus asks (`id` = `log:<row id>`, `source` = `owner-log`): every logged
 * ask with a label, the owner's and the implicit ones, oldest first (a stable order, so the same
 * labels train the same model).
 */
export async function readOwnerLabels(databaseUrl: string): Promise<CorpusAsk[]> {
  return withDatabase(databaseUrl, async (client) => {
    const { rows } = await client.query<{ id: string; ask: string; label: Tier }>(
      `SELECT id::text AS id, ask, label FROM routed_asks
        WHERE label IS NOT NULL AND length(btrim(ask)) > 0 ORDER BY id`,
    );
    return rows.map((row) => ({
      id: `log:${row.id}`,
      text: row.ask,
      tier: row.label,
      lang: 'xx',
      source: 'owner-log',
    }));
  });
}

/** Logged asks (oldest first) with their calls' token counts, for `route:replay`. */
export async function readLoggedAsks(
  databaseUrl: string,
  filter: LoggedAskFilter = {},
): Promise<LoggedAsk[]> {
  return withDatabase(databaseUrl, async (client) => {
    const { rows } = await client.query<{
      id: string;
      request_id: string;
      created_at: Date;
      router: string;
      tier: Tier | null;
      complexity_tier: Tier | null;
      model: string;
      ask: string;
      label: Tier | null;
      label_source: 'owner' | 'implicit' | null;
      input_tokens: string | null;
      output_tokens: string | null;
    }>(
      `SELECT a.id::text AS id, a.request_id, a.created_at, a.router, a.tier, a.complexity_tier, a.model, a.ask,
              a.label, a.label_source, u.input_tokens, u.output_tokens
         FROM routed_asks a
         LEFT JOIN LATERAL (
           SELECT sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens
             FROM usage_events WHERE request_id = a.request_id AND kind = 'upstream'
         ) u ON true
        WHERE ($1::text IS NULL OR a.router = $1) AND ($2::timestamptz IS NULL OR a.created_at >= $2)
        ORDER BY a.id`,
      [filter.router ?? null, filter.since ?? null],
    );
    return rows.map((row) => ({
      id: row.id,
      requestId: row.request_id,
      createdAt: row.created_at.toISOString(),
      router: row.router,
      tier: row.tier,
      complexityTier: row.complexity_tier,
      model: row.model,
      ask: row.ask,
      label: row.label,
      labelSource: row.label_source,
      inputTokens: Number(row.input_tokens ?? 0),
      outputTokens: Number(row.output_tokens ?? 0),
    }));
  });
}
