import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TIERS, type RoutedAskRow, type RoutedAsksPage, type Tier } from '@switchyard/contracts';
import { REPO_ROOT, TEST_MASTER_KEY, TestFleet, writeTestConfig } from '@switchyard/testing';
import type { ReplayReport } from '../../libs/complexity/tools/replay-report';
import { CORPUS_PATHS, readSplit } from '../../libs/complexity/tools/routing-corpus';

const run = promisify(execFile);

const ROUTER = 'owner-router';
const TIER_MODELS: Record<Tier, string> = {
  SIMPLE: 'opencode-deepseek-v4-flash',
  MEDIUM: 'opencode-deepseek-v4-pro',
  COMPLEX: 'opencode-kimi-k2-6',
  REASONING: 'opencode-mimo-v2-5-pro',
};
const LOGGED_ASKS = 200;

/** the test config: demo.yaml with the routing log on and a learned router; `weights`: pointed at a model file. */
function ownerConfig(weights?: string): string {
  return writeTestConfig((document) => {
    document.general_settings = {
      ...document.general_settings,
      routing_log: true,
      routing_log_retention_days: 14,
    };
    document.model_list.push({
      model_name: ROUTER,
      litellm_params: {
        model: 'auto_router/complexity_router',
        complexity_router_config: {
          tiers: TIER_MODELS,
          classifier_type: 'learned',
          ...(weights === undefined ? {} : { learned_model_path: weights }),
        },
      },
      model_info: { mode: 'chat', disable_background_health_check: true },
    });
  });
}

describe("the owner's loop: log asks, label them, retrain, replay", () => {
  let fleet: TestFleet;
  let configPath: string;
  const asks = readSplit(join(REPO_ROOT, CORPUS_PATHS.test)).slice(0, LOGGED_ASKS);

  beforeAll(async () => {
    configPath = ownerConfig();
    fleet = await TestFleet.start({ configPath });
  });

  afterAll(async () => {
    await fleet?.stop();
  });

  const chat = (text: string, headers: Record<string, string> = {}, model = ROUTER, key = TEST_MASTER_KEY) =>
    fetch(`${fleet.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: text }] }),
    });

  const get = (path: string, key = TEST_MASTER_KEY) =>
    fetch(`${fleet.baseUrl}${path}`, { headers: { authorization: `Bearer ${key}` } });

  const rowsOf = (sql: string, parameters: unknown[] = []) =>
    fleet.database.query<RoutedAskRow>(sql, parameters);

  async function waitForRows(count: number): Promise<void> {
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const [{ count: stored }] = await fleet.database
        .query<{ count: string }>('SELECT count(*) FROM routed_asks')
        .catch(() => [{ count: '0' }]);
      if (Number(stored) >= count) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function allLogged(query: string): Promise<RoutedAskRow[]> {
    const rows: RoutedAskRow[] = [];
    let cursor: string | null = null;
    do {
      const page: RoutedAsksPage = await fleet.admin<RoutedAsksPage>(
        `/routing/asks?limit=100${query}${cursor === null ? '' : `&cursor=${cursor}`}`,
      );
      rows.push(...page.data);
      cursor = page.next_cursor;
    } while (cursor !== null);
    return rows;
  }

  async function tool(script: string, args: string[]): Promise<string> {
    const { stdout } = await run('node', [join(REPO_ROOT, 'dist', script), ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, DATABASE_URL: fleet.database.url },
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  }

  it(`logs ${LOGGED_ASKS} routed asks with their decisions, linked to their usage rows`, async () => {
    const callIds: string[] = [];
    for (let start = 0; start < asks.length; start += 8) {
      const responses = await Promise.all(asks.slice(start, start + 8).map((ask) => chat(ask.text)));
      for (const response of responses) {
        expect(response.status).toBe(200);
        callIds.push(response.headers.get('x-litellm-call-id')!);
        await response.text();
      }
    }
    await waitForRows(LOGGED_ASKS);
    const logged = await allLogged(`&router=${ROUTER}`);
    expect(logged).toHaveLength(LOGGED_ASKS);
    expect(new Set(logged.map((row) => row.request_id))).toEqual(new Set(callIds));
    expect(new Set(logged.map((row) => row.ask))).toEqual(new Set(asks.map((ask) => ask.text.trim())));
    const first = logged.find((row) => row.request_id === callIds[0])!;
    expect(first).toMatchObject({ router: ROUTER, cause: 'learned', label: null, key_id: null });
    expect(TIERS).toContain(first.tier);
    expect(first.model).toBe(TIER_MODELS[first.tier!]);
    expect(first.dimensions.length).toBeGreaterThan(0);
    expect(Date.parse(first.expires_at) - Date.parse(first.created_at)).toBe(14 * 24 * 3600 * 1000);
    const [usage] = await fleet.usageRowsOf<{ tier: string; router: string }>(callIds[0]);
    expect(usage).toMatchObject({ router: ROUTER, tier: first.tier });
  });

  it('never logs the asks of a key whose metadata opts out, and keeps the admin API to admins', async () => {
    const optedOut = await fleet.admin<{ key: string }>('/key/generate', {
      metadata: { routing_log: false },
    });
    const response = await chat('rename the helper parseUsr to parseUser', {}, ROUTER, optedOut.key);
    expect(response.status).toBe(200);
    const callId = response.headers.get('x-litellm-call-id')!;
    await response.text();
    expect(await fleet.usageRowsOf(callId)).toHaveLength(1);
    // a later logged ask is stored after it (stream order): then the opted-out one is surely absent
    const marker = await chat('thanks, that worked');
    await marker.text();
    await waitForRows(LOGGED_ASKS + 1);
    expect(await rowsOf('SELECT * FROM routed_asks WHERE request_id = $1', [callId])).toEqual([]);

    expect((await get('/routing/asks', optedOut.key)).status).toBe(403);
    const badLabel = await fetch(`${fleet.baseUrl}/routing/asks/label`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: '1', label: 'HARD' }),
    });
    expect(badLabel.status).toBe(400);
    expect(((await badLabel.json()) as { error: { param: string } }).error.param).toBe('label');
  });

  it('labels an ask implicitly when its session re-asks it on a higher tier model', async () => {
    const session = { 'x-session-id': 'owner-loop-implicit' };
    const ask = 'ok now rename the variable tmp to buffer in src/parser.ts';
    const routed = await chat(ask, session);
    const tier = routed.headers.get('x-litellm-complexity-router-tier') as Tier;
    await routed.text();
    expect(tier).not.toBe('REASONING');
    const again = await chat(`${ask} please`, session, TIER_MODELS.REASONING);
    expect(again.status).toBe(200);
    await again.text();
    let row: RoutedAskRow | undefined;
    for (let attempt = 0; attempt < 100 && row?.label !== 'REASONING'; attempt += 1) {
      [row] = (await fleet.admin<RoutedAsksPage>('/routing/asks?session_id=owner-loop-implicit')).data;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(row).toMatchObject({ ask, tier, label: 'REASONING', label_source: 'implicit' });
  });

  it('relabels 20 asks, retrains --from-log, and replays: changes show, and only the new config uses them', async () => {
    // relabel 20 asks by the owner: each two tiers away from what the router decided
    const unlabelled = await allLogged(`&router=${ROUTER}&labelled=false`);
    const relabelled = unlabelled.slice(0, 20).map((row) => ({
      row,
      label: TIERS[(TIERS.indexOf(row.tier!) + 2) % TIERS.length],
    }));
    for (const { row, label } of relabelled) {
      const updated = await fleet.admin<RoutedAskRow>('/routing/asks/label', { id: row.id, label });
      expect(updated).toMatchObject({ id: row.id, label, label_source: 'owner' });
    }
    expect(await allLogged('&labelled=true')).toHaveLength(21);

    // retrain; the shipped model is never overwritten without being asked
    const weights = join(mkdtempSync(join(tmpdir(), 'switchyard-weights-')), 'owner-router.json');
    await expect(
      tool('libs/complexity/tools/train.js', ['--from-log', '--out', join(REPO_ROOT, CORPUS_PATHS.model)]),
    ).rejects.toMatchObject({ code: 2 });
    const trained = await tool('libs/complexity/tools/train.js', [
      '--from-log',
      '--out',
      weights,
      '--iterations',
      '60',
      '--label-weight',
      '5',
    ]);
    expect(trained).toContain('21 labelled asks of the routing log');
    expect(trained).toContain(`learned_model_path: ${weights}`);

    // the running gateway still decides as before: its config does not name the new weights
    for (const { row } of relabelled) {
      const explained = await fetch(`${fleet.baseUrl}/v1/route/explain`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: ROUTER, messages: [{ role: 'user', content: row.ask }] }),
      });
      expect(((await explained.json()) as { tier: Tier }).tier).toBe(row.tier);
    }
    const unchanged = JSON.parse(
      await tool('libs/complexity/tools/route-replay.js', [
        '--config',
        configPath,
        '--router',
        ROUTER,
        '--json',
      ]),
    ) as ReplayReport;
    expect(unchanged.asks).toBe(LOGGED_ASKS + 2);
    expect(unchanged.changed).toEqual([]);
    expect(unchanged.cost.difference).toBe(0);
    expect(unchanged.cost.before).toBeGreaterThan(0);

    // a config that points the router at the new weights: the replay shows what would change
    const pointed = ownerConfig(weights);
    const report = JSON.parse(
      await tool('libs/complexity/tools/route-replay.js', [
        '--config',
        pointed,
        '--router',
        ROUTER,
        '--json',
      ]),
    ) as ReplayReport;
    expect(report.asks).toBe(LOGGED_ASKS + 2);
    expect(report.changed.length).toBeGreaterThan(0);
    expect(report.labelled.asks).toBe(21);
    expect(report.labelled.agreeAfter).toBeGreaterThan(report.labelled.agreeBefore);
    const changedIds = new Set(report.changed.map((change) => change.id));
    const movedToLabel = relabelled.filter(
      ({ row, label }) =>
        changedIds.has(row.id) && report.changed.find((c) => c.id === row.id)!.after === label,
    );
    expect(movedToLabel.length).toBeGreaterThan(0);
    for (const change of report.changed) expect(change.afterModel).toBe(TIER_MODELS[change.after!]);
    expect(report.cost.difference).toBeCloseTo(report.cost.after - report.cost.before, 12);
    expect(report.cost.difference).not.toBe(0);
    expect(report.mix.reduce((sum, row) => sum + row.after, 0)).toBe(LOGGED_ASKS + 2);

    // --weights replays the same way without a config change, and the text report says it all
    const text = await tool('libs/complexity/tools/route-replay.js', [
      '--config',
      configPath,
      '--router',
      ROUTER,
      '--weights',
      weights,
    ]);
    expect(text).toContain(`Changed decisions: ${report.changed.length}`);
    expect(text).toContain('Tier mix:');
    expect(text).toMatch(/difference [+−]\$\d+\.\d{4}/);

    // only once the config names the weights does the router decide differently
    const moved = movedToLabel[0];
    const request = `${JSON.stringify({ model: ROUTER, messages: [{ role: 'user', content: moved.row.ask }] })}\n`;
    const explain = (config: string) =>
      new Promise<string>((resolve, reject) => {
        const child = execFile(
          'node',
          [
            join(REPO_ROOT, 'dist/apps/classifier/src/cli/route-explain.js'),
            '--config',
            config,
            '--router',
            ROUTER,
          ],
          { cwd: REPO_ROOT },
          (error, stdout) => (error ? reject(new Error(error.message)) : resolve(stdout)),
        );
        child.stdin!.end(request);
      });
    expect((JSON.parse(await explain(configPath)) as { tier: Tier }).tier).toBe(moved.row.tier);
    expect((JSON.parse(await explain(pointed)) as { tier: Tier }).tier).toBe(moved.label);
  });
});
