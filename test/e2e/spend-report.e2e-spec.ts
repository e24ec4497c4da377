import { eventually, TEST_MASTER_KEY, TestFleet } from '@switchyard/testing';

interface Totals {
  requests: number;
  successes: number;
  refusals: number;
  tokens: {
    input: number;
    input_no_cache: number;
    input_cache_read: number;
    input_cache_write: number;
    output: number;
    output_reasoning: number;
    total: number;
  };
  cost_usd: number;
  baseline_cost_usd: number | null;
  routed_cost_usd: number | null;
  savings_usd: number | null;
}
type ReportRow = Totals & { group: string | null; key_alias?: string | null };
interface Report {
  group_by: string;
  rows: ReportRow[];
  totals: Totals;
}
interface LogRow {
  event_id: string;
  request_id: string;
  model: string;
  tier: string | null;
  cost_usd: number | null;
  key_id: string | null;
  started_at: string;
}

/** What the rows of usage_events say, grouped like the report. */
interface SqlGroup {
  grouped: string;
  requests: string;
  input: string;
  input_no_cache: string;
  input_cache_read: string;
  output: string;
  output_reasoning: string;
  cost: string;
  baseline: string | null;
  routed_cost: string | null;
}

const NO_CACHE = { 'cache-control': 'no-cache, no-store' };
const REASONING_ASK =
  'Explain your reasoning for this authentication architecture. First, analyze the distributed design, then implement the container orchestration layer.';

describe('spend reports and logs after routed traffic', () => {
  let fleet: TestFleet;
  let key: { key: string; key_id: string };
  const requestIds: string[] = [];

  beforeAll(async () => {
    fleet = await TestFleet.start();
    key = await admin<{ key: string; key_id: string }>('/key/generate', { key_alias: 'router-user' });
    const calls: { model: string; ask: string; stream?: boolean }[] = [
      { model: 'frontier-router', ask: 'Hello there' },
      { model: 'frontier-router', ask: 'Hi, thanks!' },
      { model: 'frontier-router', ask: 'Hello again', stream: true },
      { model: 'frontier-router', ask: REASONING_ASK },
      { model: 'frontier-router', ask: `${REASONING_ASK} Then prove it step by step.` },
      { model: 'frontier-router', ask: `${REASONING_ASK} Also explain your reasoning.`, stream: true },
      { model: 'gpt-5.4-mini', ask: 'not routed' },
      { model: 'claude-haiku-4-5', ask: 'not routed either' },
    ];
    for (const call of calls) {
      const response = await fetch(`${fleet.baseUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json', ...NO_CACHE },
        body: JSON.stringify({
          model: call.model,
          stream: call.stream === true,
          stream_options: call.stream ? { include_usage: true } : undefined,
          messages: [{ role: 'user', content: call.ask }],
        }),
      });
      expect(response.status).toBe(200);
      await response.text();
      requestIds.push(response.headers.get('x-litellm-call-id')!);
    }
    await eventually(
      () => fleet.database.query('SELECT 1 FROM usage_events WHERE key_id = $1', [key.key_id]),
      (rows) => rows.length === calls.length,
      { description: 'every usage row of the key' },
    );
  });

  afterAll(async () => {
    await fleet?.stop();
  });

  const admin = <T>(path: string, body?: unknown) => fleet.admin<T>(path, body);

  async function sqlGroups(expression: string): Promise<Map<string, SqlGroup>> {
    const rows = await fleet.database.query<SqlGroup>(
      `SELECT coalesce(${expression}, '') AS grouped, count(*)::text AS requests,
         sum(input_tokens)::text AS input, sum(input_no_cache_tokens)::text AS input_no_cache,
         sum(input_cache_read_tokens)::text AS input_cache_read, sum(output_tokens)::text AS output,
         sum(output_reasoning_tokens)::text AS output_reasoning, coalesce(sum(cost_usd), 0)::text AS cost,
         sum(baseline_cost_usd) FILTER (WHERE cost_usd IS NOT NULL)::text AS baseline,
         sum(cost_usd) FILTER (WHERE baseline_cost_usd IS NOT NULL)::text AS routed_cost
       FROM usage_events GROUP BY 1`,
    );
    return new Map(rows.map((row) => [row.grouped, row]));
  }

  function expectMatches(row: Totals, sql: SqlGroup | undefined): void {
    expect(sql).toBeDefined();
    expect(row.requests).toBe(Number(sql!.requests));
    expect(row.tokens.input).toBe(Number(sql!.input));
    expect(row.tokens.input_no_cache).toBe(Number(sql!.input_no_cache));
    expect(row.tokens.input_cache_read).toBe(Number(sql!.input_cache_read));
    expect(row.tokens.output).toBe(Number(sql!.output));
    expect(row.tokens.output_reasoning).toBe(Number(sql!.output_reasoning));
    expect(row.tokens.total).toBe(Number(sql!.input) + Number(sql!.output));
    expect(row.cost_usd).toBeCloseTo(Number(sql!.cost), 12);
    if (sql!.baseline === null) {
      expect(row.baseline_cost_usd).toBeNull();
      expect(row.savings_usd).toBeNull();
    } else {
      expect(row.baseline_cost_usd).toBeCloseTo(Number(sql!.baseline), 12);
      expect(row.routed_cost_usd).toBeCloseTo(Number(sql!.routed_cost), 12);
      expect(row.savings_usd).toBeCloseTo(Number(sql!.baseline) - Number(sql!.routed_cost), 12);
    }
  }

  it('reports by tier: the tiers routed to, their costs and the router savings, matching the rows', async () => {
    const report = await admin<Report>('/spend/report?group_by=tier');
    const sql = await sqlGroups('tier');
    const tiers = report.rows.map((row) => row.group);
    expect(tiers).toEqual(expect.arrayContaining(['SIMPLE', null]));
    expect(tiers.filter((tier) => tier !== null).length).toBeGreaterThanOrEqual(2);
    expect(report.rows).toHaveLength(sql.size);
    for (const row of report.rows) expectMatches(row, sql.get(row.group ?? ''));

    const simple = report.rows.find((row) => row.group === 'SIMPLE')!;
    // the cheap tier model answered instead of the router's most expensive one: that is the saving
    expect(simple.baseline_cost_usd!).toBeGreaterThan(simple.cost_usd);
    expect(simple.savings_usd!).toBeGreaterThan(0);
    const unrouted = report.rows.find((row) => row.group === null)!;
    expect(unrouted.savings_usd).toBeNull();

    const all = await sqlGroups("'all'");
    expectMatches(report.totals, all.get('all'));
    expect(report.totals.savings_usd).toBeCloseTo(
      report.rows.reduce((sum, row) => sum + (row.savings_usd ?? 0), 0),
      12,
    );
  });

  it('reports by router with the savings next to what the routed requests cost', async () => {
    const report = await admin<Report>('/spend/report?group_by=router');
    const sql = await sqlGroups('router');
    const router = report.rows.find((row) => row.group === 'frontier-router')!;
    expectMatches(router, sql.get('frontier-router'));
    expect(router.requests).toBe(6);
    expect(router.savings_usd!).toBeGreaterThan(0);
  });

  it.each(['model', 'provider', 'day', 'key'])(
    'reports by %s, every row matching the usage rows',
    async (groupBy) => {
      const report = await admin<Report>(`/spend/report?group_by=${groupBy}`);
      const expression = {
        model: 'model',
        provider: 'provider',
        day: `to_char((started_at AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD')`,
        key: 'key_id',
      }[groupBy]!;
      const sql = await sqlGroups(expression);
      expect(report.rows).toHaveLength(sql.size);
      for (const row of report.rows) expectMatches(row, sql.get(row.group ?? ''));
      if (groupBy === 'key') {
        expect(report.rows.find((row) => row.group === key.key_id)?.key_alias).toBe('router-user');
      }
    },
  );

  it('narrows a report to one key and a day range', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const report = await admin<Report>(
      `/spend/report?group_by=model&key=${encodeURIComponent(key.key)}&start_date=${today}&end_date=${today}`,
    );
    expect(report.totals.requests).toBe(8);
    const empty = await admin<Report>(
      '/spend/report?group_by=model&start_date=2000-01-01&end_date=2000-01-02',
    );
    expect(empty.rows).toEqual([]);
    expect(empty.totals.requests).toBe(0);
  });

  it('pages through the spend logs with a cursor, newest first, without loading everything', async () => {
    const seen: LogRow[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `/spend/logs?key=${encodeURIComponent(key.key)}&limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const page: { data: LogRow[]; next_cursor: string | null } = await admin(query);
      expect(page.data.length).toBeLessThanOrEqual(3);
      seen.push(...page.data);
      cursor = page.next_cursor;
      pages += 1;
    } while (cursor !== null);
    expect(pages).toBe(3);
    const expected = await fleet.database.query<{ event_id: string }>(
      'SELECT event_id FROM usage_events WHERE key_id = $1 ORDER BY started_at DESC, event_id DESC',
      [key.key_id],
    );
    expect(seen.map((row) => row.event_id)).toEqual(expected.map((row) => row.event_id));
    expect(seen.every((row) => row.key_id === key.key_id)).toBe(true);

    const one = await admin<{ data: LogRow[] }>(`/spend/logs?request_id=${requestIds[3]}`);
    expect(one.data).toHaveLength(1);
    const [stored] = await fleet.database.query<{ event_id: string; tier: string }>(
      'SELECT event_id, tier FROM usage_events WHERE request_id = $1',
      [requestIds[3]],
    );
    expect(one.data[0]).toMatchObject({
      request_id: requestIds[3],
      event_id: stored.event_id,
      tier: stored.tier,
    });
    expect(stored.tier).not.toBe('SIMPLE');
    const byModel = await admin<{ data: LogRow[] }>('/spend/logs?model=gpt-5.4-mini');
    expect(byModel.data.length).toBeGreaterThan(0);
    expect(byModel.data.every((row) => row.model === 'gpt-5.4-mini')).toBe(true);
    const future = await admin<{ data: LogRow[] }>('/spend/logs?start_date=2999-01-01');
    expect(future.data).toEqual([]);
  });

  it('refuses the spend routes without the master key', async () => {
    const response = await fetch(`${fleet.baseUrl}/spend/report?group_by=tier`, {
      headers: { authorization: `Bearer ${key.key}` },
    });
    expect(response.status).toBe(403);
    const invalid = await fetch(`${fleet.baseUrl}/spend/report?group_by=color`, {
      headers: { authorization: `Bearer ${TEST_MASTER_KEY}` },
    });
    expect(invalid.status).toBe(400);
  });
});
