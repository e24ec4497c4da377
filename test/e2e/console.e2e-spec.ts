import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Redis from 'ioredis';
import OpenAI from 'openai';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { RoutedAsksPage, SpendDaily, SpendLogRow, SpendLogsPage, Team } from '@switchyard/contracts';
import {
  eventually,
  REPO_ROOT,
  TEST_MASTER_KEY,
  TestFleet,
  testInfrastructure,
  writeTestConfig,
} from '@switchyard/testing';
import { costPerDay, savingsSeries } from '../../apps/console/src/charts/series';

/** Where the run writes a screenshot of every page (gitignored); docs/images holds the overview. */
const SCREENSHOTS = join(REPO_ROOT, 'test-results', 'console');
/** Debian's chromium (`.ci/run` installs it); CHROMIUM_PATH names another build. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const REASONING_ASK =
  'Explain your reasoning for this authentication architecture. First, analyze the distributed design, then implement the container orchestration layer.';

describe('the console in a browser', () => {
  let fleet: TestFleet;
  let browser: Browser;
  let page: Page;
  let alias: string;
  let keyId: string;
  let key: string;
  let ownRequestId: string;
  const masterRequestIds: string[] = [];

  const openai = (apiKey: string) => new OpenAI({ apiKey, baseURL: `${fleet.baseUrl}/v1`, maxRetries: 0 });
  const admin = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${fleet.baseUrl}${path}`, {
      headers: { authorization: `Bearer ${TEST_MASTER_KEY}` },
    });
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  };
  const open = async (hash: string) => {
    await page.goto(`${fleet.baseUrl}/ui/#/${hash}`);
    await page.locator('main h1').waitFor();
  };
  const shoot = async (name: string) => {
    // no tooltip from wherever the last click left the pointer
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  };
  const signIn = async (apiKey: string) => {
    await page.goto(`${fleet.baseUrl}/ui/`);
    await page.getByLabel('API key').fill(apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('signed-in-as').waitFor();
  };

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `No chromium at ${CHROMIUM}: apt-get install chromium (as .ci/run does), or set CHROMIUM_PATH.`,
      );
    }
    mkdirSync(SCREENSHOTS, { recursive: true });
    // the routing log on, so the routing page lists the logged asks (the owner's loop)
    const configPath = writeTestConfig((document) => {
      document.general_settings = { ...document.general_settings, routing_log: true };
    });
    fleet = await TestFleet.start({ configPath });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // traffic of the master key, which the virtual key must not see: routed asks of each kind,
    // plain models of three providers, and a repeat answered by the response cache
    const client = openai(TEST_MASTER_KEY);
    const asks: { model: string; content: string; cached?: boolean }[] = [
      { model: 'frontier-router', content: 'Hello from the admin' },
      { model: 'frontier-router', content: REASONING_ASK },
      { model: 'frontier-router', content: `${REASONING_ASK} Then prove it step by step.` },
      {
        model: 'frontier-router',
        content: 'Implement a function that parses a CSV file with quoted fields.',
      },
      { model: 'gpt-5.4-mini', content: 'not routed', cached: true },
      { model: 'gpt-5.4-mini', content: 'not routed', cached: true },
      { model: 'claude-haiku-4-5', content: 'not routed either' },
      { model: 'mistral-router', content: 'Hi there' },
    ];
    for (const ask of asks) {
      const { response } = await client.chat.completions
        .create(
          { model: ask.model, messages: [{ role: 'user', content: ask.content }] },
          { headers: ask.cached ? {} : { 'cache-control': 'no-cache' } },
        )
        .withResponse();
      masterRequestIds.push(response.headers.get('x-litellm-call-id')!);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await fleet?.stop();
  });

  it('serves the built console at /ui with no other origin allowed', async () => {
    const response = await fetch(`${fleet.baseUrl}/ui/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await response.text();
    expect(html).not.toMatch(/https?:\/\//);
    const traversal = await fetch(`${fleet.baseUrl}/ui/..%2f..%2fpackage.json`);
    expect(await traversal.text()).not.toContain('"dependencies"');
  });

  it('signs in with the master key and creates a scoped key with a budget, shown once', async () => {
    await signIn(TEST_MASTER_KEY);
    expect(await page.getByTestId('signed-in-as').textContent()).toBe('master key');
    expect(page.url()).not.toContain(TEST_MASTER_KEY);
    await shoot('overview-master');
    await open('keys');
    await page.getByRole('button', { name: 'Create key' }).click();
    alias = `console-e2e-${Date.now()}`;
    const form = page.locator('dialog[open] form');
    await form.getByLabel('Alias').fill(alias);
    await form.getByLabel('Budget (USD)').fill('5');
    await form.getByLabel('Budget window').fill('30d');
    await form.getByLabel('Requests per minute').fill('100');
    await form.getByRole('checkbox', { name: 'frontier-router' }).check();
    await form.getByRole('button', { name: 'Create key' }).click();
    key = (await page.getByTestId('new-key').textContent())!;
    expect(key).toMatch(/^sk-/);
    await shoot('keys-new-key');
    await page.getByRole('button', { name: 'Done' }).click();
    const row = page.locator(`tr[data-key-alias="${alias}"]`);
    await row.waitFor();
    keyId = (await row.getAttribute('data-key-id'))!;
    expect(await row.textContent()).toContain('frontier-router');
    expect(await row.getByRole('meter').getAttribute('aria-valuemax')).toBe('5');
    // the key is shown once: nowhere on the page after the dialog closes
    expect(await page.content()).not.toContain(key);
    await shoot('keys');
  });

  it('shows a call made with the key in the spend logs with its cost and router tier', async () => {
    const { response } = await openai(key)
      .chat.completions.create(
        { model: 'frontier-router', messages: [{ role: 'user', content: 'Hi, thanks!' }] },
        { headers: { 'cache-control': 'no-cache' } },
      )
      .withResponse();
    ownRequestId = response.headers.get('x-litellm-call-id')!;
    const stored = await eventually(
      () => admin<SpendLogsPage>(`/spend/logs?request_id=${ownRequestId}`),
      (logs) => logs.data.length > 0,
      { description: 'the usage row of the call' },
    );
    const usage: SpendLogRow = stored.data[0];
    expect(usage.tier).not.toBeNull();
    await open('logs');
    await page.getByLabel('Key (key_id or token)').fill(keyId);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const row = page.locator(`tr[data-request-id="${ownRequestId}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain(`frontier-router / ${usage.tier}`);
    const cost = await row.getByTestId('cost').textContent();
    expect(Number(cost!.replace(/[$,]/g, ''))).toBeCloseTo(usage.cost_usd!, 6);
    expect(await page.locator('tbody tr').count()).toBe(1);
    // keyboard: the row opens its detail with Enter
    await row.focus();
    await page.keyboard.press('Enter');
    const detail = page.locator('dialog[open]');
    await detail.getByText('Router decision').waitFor();
    expect(await detail.textContent()).toContain(usage.route_cause!);
    await shoot('logs-detail');
    await page.keyboard.press('Escape');
    await shoot('logs');
  });

  it('blocks the key, after which the gateway refuses its next call', async () => {
    await open('keys');
    const row = page.locator(`tr[data-key-alias="${alias}"]`);
    await row.getByRole('button', { name: 'Block' }).click();
    await row.getByText('blocked', { exact: true }).waitFor();
    const refused = await openai(key)
      .chat.completions.create({ model: 'frontier-router', messages: [{ role: 'user', content: 'again' }] })
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(refused).toBeInstanceOf(OpenAI.APIError);
    expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(401);
    await row.getByRole('button', { name: 'Unblock' }).click();
    await row.getByText('active', { exact: true }).waitFor();
  });

  it('creates a team with a budget and a key in it, shows its spend, filters logs by it and blocks it', async () => {
    const teamId = `team-e2e-${Date.now()}`;
    await open('teams');
    await page.getByRole('button', { name: 'Create team' }).click();
    const teamForm = page.locator('dialog[open] form');
    await teamForm.getByLabel('Team id').fill(teamId);
    await teamForm.getByLabel('Team alias').fill('Console e2e team');
    await teamForm.getByLabel('Budget (USD)').fill('10');
    await teamForm.getByLabel('Budget window').fill('30d');
    await teamForm.getByLabel('Requests per minute').fill('50');
    await teamForm.getByLabel('Tags').fill('e2e-team');
    await teamForm.getByRole('checkbox', { name: 'gpt-5.4-mini' }).check();
    await teamForm.getByRole('button', { name: 'Create team' }).click();
    const teamRow = page.locator(`tr[data-team-id="${teamId}"]`);
    await teamRow.waitFor();
    expect(await teamRow.getByRole('meter').getAttribute('aria-valuemax')).toBe('10');
    expect(await teamRow.textContent()).toContain('50 rpm');
    const created = await admin<{ team_info: Team }>(`/team/info?team_id=${teamId}`);
    expect(created.team_info).toMatchObject({
      max_budget: 10,
      budget_duration: '30d',
      models: ['gpt-5.4-mini'],
      tags: ['e2e-team'],
    });

    // a key in the team, made on the Keys page
    await open('keys');
    await page.getByRole('button', { name: 'Create key' }).click();
    const keyForm = page.locator('dialog[open] form');
    const teamKeyAlias = `${teamId}-key`;
    await keyForm.getByLabel('Alias').fill(teamKeyAlias);
    await keyForm.getByLabel('Team').selectOption(teamId);
    await keyForm.getByLabel('Tags').fill('e2e-key');
    await keyForm.getByRole('button', { name: 'Create key' }).click();
    const teamKey = (await page.getByTestId('new-key').textContent())!;
    await page.getByRole('button', { name: 'Done' }).click();
    const keyRow = page.locator(`tr[data-key-alias="${teamKeyAlias}"]`);
    await keyRow.waitFor();
    expect(await keyRow.textContent()).toContain(`team ${teamId}`);

    const { response } = await openai(teamKey)
      .chat.completions.create(
        { model: 'gpt-5.4-mini', messages: [{ role: 'user', content: 'Hello from the team' }] },
        { headers: { 'cache-control': 'no-cache' } },
      )
      .withResponse();
    const teamRequestId = response.headers.get('x-litellm-call-id')!;
    const stored = await eventually(
      () => admin<SpendLogsPage>(`/spend/logs?request_id=${teamRequestId}`),
      (logs) => logs.data.length > 0,
      { description: 'the usage row of the team call' },
    );
    const usage = stored.data[0];
    expect(usage.team_id).toBe(teamId);
    expect(usage.request_tags).toEqual(expect.arrayContaining(['e2e-team', 'e2e-key']));
    expect(usage.cost_usd).toBeGreaterThan(0);
    await eventually(
      () => admin<{ team_info: Team }>(`/team/info?team_id=${teamId}`),
      (info) => info.team_info.spend > 0,
      { description: "the team's spend" },
    );

    // the team's spend on the Teams page, and by model in its detail
    await open('teams');
    // the list shown first may be the one cached before the call; wait for the refetch
    await teamRow.locator('[role="meter"]:not([aria-valuenow="0"])').waitFor();
    const spent = Number(await teamRow.getByRole('meter').getAttribute('aria-valuenow'));
    expect(spent).toBeCloseTo(usage.cost_usd!, 9);
    expect(await teamRow.getByText('active', { exact: true }).count()).toBe(1);
    await teamRow.getByRole('button', { name: 'Details' }).focus();
    await page.keyboard.press('Enter');
    const byModel = page.locator('dialog[open] tr[data-model="gpt-5.4-mini"]');
    await byModel.waitFor();
    const modelCost = await byModel.getByTestId('cost').textContent();
    expect(Number(modelCost!.replace(/[$,]/g, ''))).toBeCloseTo(usage.cost_usd!, 6);
    await shoot('teams-detail');
    await page.keyboard.press('Escape');
    await shoot('teams');

    // spend logs narrowed to the team show the call with its team and tags
    await open('logs');
    await page.getByLabel('Team', { exact: true }).fill(teamId);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const logRow = page.locator(`tr[data-request-id="${teamRequestId}"]`);
    await logRow.waitFor();
    expect(await page.locator('tbody tr').count()).toBe(1);
    expect(await logRow.getByTestId('team').textContent()).toContain(teamId);
    expect(await logRow.textContent()).toContain('e2e-key');

    // block the team (after a confirmation): its key is refused at once
    await open('teams');
    await teamRow.getByRole('button', { name: 'Block' }).click();
    await page.locator('dialog[open]').getByRole('button', { name: 'Block team' }).click();
    await teamRow.getByText('blocked', { exact: true }).waitFor();
    const refused = await openai(teamKey)
      .chat.completions.create({ model: 'gpt-5.4-mini', messages: [{ role: 'user', content: 'again' }] })
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(refused).toBeInstanceOf(OpenAI.APIError);
    expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(401);
    await shoot('teams-blocked');
  });

  it('renders routing, models and setup for the master key', async () => {
    await open('routing');
    await page.getByLabel('A prompt').fill('Prove that the algorithm terminates, step by step.');
    await page.getByRole('button', { name: /Explain with/ }).click();
    const explanation = page.getByTestId('explanation');
    await explanation.waitFor();
    expect(await explanation.textContent()).toMatch(/SIMPLE|MEDIUM|COMPLEX|REASONING/);
    // the owner's loop: the logged asks of the router, labelled from the page
    const hello = (asks: RoutedAsksPage) => asks.data.find((row) => row.ask === 'Hello from the admin');
    const logged = hello(
      await eventually(
        () => admin<RoutedAsksPage>('/routing/asks?router=frontier-router'),
        (asks) => hello(asks) !== undefined,
      ),
    )!;
    expect(logged.label).toBeNull();
    await page.reload();
    await page.locator('main h1').waitFor();
    const row = page.getByTestId('logged-asks').locator(`tr[data-ask-id="${logged.id}"]`);
    expect(await row.textContent()).toContain('Hello from the admin');
    await row.getByLabel(`Label of ask ${logged.id}`).selectOption('MEDIUM');
    const labelled = await eventually(
      () => admin<RoutedAsksPage>('/routing/asks?router=frontier-router&labelled=true'),
      (asks) => hello(asks)?.label === 'MEDIUM',
    );
    expect(hello(labelled)).toMatchObject({ label: 'MEDIUM', label_source: 'owner' });
    await shoot('routing');
    // a deployment cooling down, as a dispatcher marks it in Redis (one no call here uses)
    const info = await admin<{ data: { model_name: string; model_info: { id?: string } }[] }>(
      '/v1/model/info',
    );
    const cooled = info.data.find((entry) => entry.model_name === 'gemini-2.5-pro')!.model_info.id!;
    const redis = new Redis(testInfrastructure().redisUrl, { keyPrefix: fleet.redisPrefix });
    await redis.set(`cooldown:until:${cooled}`, String(Date.now() + 60_000), 'PX', 60_000);
    await redis.quit();
    await open('models');
    // p50/p99 from the usage rows of the calls above, and routers from their tiers
    await page.locator('tr[data-model="gpt-5.4-mini"] [data-testid="latency"]', { hasText: 'ms' }).waitFor();
    await page.getByRole('region', { name: 'Routers' }).getByText('frontier-router').waitFor();
    await page.locator('tr[data-model="gemini-2.5-pro"] [data-testid="cooldown"]').waitFor();
    await shoot('models');
    await open('setup');
    // every agent's setup comes from GET /integrations/<agent>, each with its copy button
    for (const text of [
      'litellm-local',
      'wire_api = "responses"',
      'GOOGLE_GEMINI_BASE_URL',
      'ANTHROPIC_AUTH_TOKEN',
    ]) {
      await page.locator('pre.code', { hasText: text }).waitFor();
    }
    await shoot('setup');
    await open('overview');
    await page.getByTestId('savings-headline').waitFor();
    await page.locator('.recharts-surface').first().waitFor();
    await shoot('overview');
  });

  it('fits a phone width without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await open('overview');
    await page.getByTestId('savings-headline').waitFor();
    const overflow = await page.evaluate<number>(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await shoot('overview-phone');
    await open('teams');
    await page.locator('tr[data-team-id]').first().waitFor();
    expect(
      await page.evaluate<number>(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      ),
    ).toBeLessThanOrEqual(0);
    await shoot('teams-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('signs in as the virtual key and shows only its own usage', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(key);
    expect(await page.getByTestId('signed-in-as').textContent()).toBe(`key ${alias}`);
    const nav = await page.getByRole('navigation').textContent();
    expect(nav).not.toContain('Keys');
    expect(nav).toContain('My key');
    await page.getByTestId('period-figures').waitFor();
    expect(await page.getByTestId('period-figures').textContent()).toContain('1 requests');
    await shoot('overview-virtual-key');
    await open('logs');
    await page.locator(`tr[data-request-id="${ownRequestId}"]`).waitFor();
    const shown = await page
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-request-id')));
    expect(shown).toEqual([ownRequestId]);
    for (const id of masterRequestIds) expect(shown).not.toContain(id);
    await shoot('logs-virtual-key');
    await open('my-key');
    expect(await page.locator('main').textContent()).toContain('frontier-router');
    // the master-only API stays closed to it
    const spendLogs = await fetch(`${fleet.baseUrl}/spend/logs`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(spendLogs.status).toBe(403);
  });

  it('charts per-day cost and router savings that match a sum over /spend/logs', async () => {
    const daily = await admin<SpendDaily>('/spend/daily');
    const rows: SpendLogRow[] = [];
    let cursor: string | null = null;
    do {
      const logs: SpendLogsPage = await admin<SpendLogsPage>(
        `/spend/logs?limit=500${cursor ? `&cursor=${cursor}` : ''}`,
      );
      rows.push(...logs.data);
      cursor = logs.next_cursor;
    } while (cursor);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    const byProvider = costPerDay(daily, 'providers');
    for (const day of byProvider.rows) {
      const charted = byProvider.keys.reduce((sum, name) => sum + Number(day[name]), 0);
      const logged = rows
        .filter((row) => row.started_at.slice(0, 10) === day.date)
        .reduce((sum, row) => sum + (row.cost_usd ?? 0), 0);
      expect(charted).toBeCloseTo(logged, 9);
    }
    const savings = savingsSeries(daily);
    const routed = rows.filter((row) => row.baseline_cost_usd !== null && row.cost_usd !== null);
    const loggedSavings = routed.reduce((sum, row) => sum + row.baseline_cost_usd! - row.cost_usd!, 0);
    expect(routed.length).toBeGreaterThan(0);
    expect(savings.total.savings).toBeCloseTo(loggedSavings, 9);
  });

  it('filters spend logs by provider, router, tier, endpoint and status, and reports latency per deployment', async () => {
    const all = await admin<SpendLogsPage>('/spend/logs?limit=500');
    const routed = all.data.find((row) => row.router !== null)!;
    const filters: [string, (row: SpendLogRow) => boolean][] = [
      [`provider=${routed.provider}`, (row) => row.provider === routed.provider],
      [`router=${routed.router}`, (row) => row.router === routed.router],
      [
        `router=${routed.router}&tier=${routed.tier}`,
        (row) => row.router === routed.router && row.tier === routed.tier,
      ],
      ['endpoint=chat&status=success', (row) => row.endpoint === 'chat' && row.status === 'success'],
    ];
    for (const [query, matches] of filters) {
      const filtered = await admin<SpendLogsPage>(`/spend/logs?limit=500&${query}`);
      expect(filtered.data.map((row) => row.event_id).sort()).toEqual(
        all.data
          .filter(matches)
          .map((row) => row.event_id)
          .sort(),
      );
    }
    const daily = await admin<SpendDaily>('/spend/daily');
    const today = daily.results.at(-1)!;
    const tierRows = all.data.filter(
      (row) =>
        row.router === routed.router && row.tier === routed.tier && row.started_at.startsWith(today.date),
    );
    expect(today.breakdown.routers[routed.router!][routed.tier!].requests).toBe(tierRows.length);
    const latency = await admin<{
      deployments: {
        deployment_id: string | null;
        requests: number;
        latency_p50_ms: number;
        latency_p99_ms: number;
      }[];
    }>('/health/latency?minutes=60');
    const deployment = latency.deployments.find((entry) => entry.deployment_id === routed.deployment_id)!;
    expect(deployment.requests).toBe(
      all.data.filter((row) => row.deployment_id === routed.deployment_id && row.kind === 'upstream').length,
    );
    expect(deployment.latency_p99_ms).toBeGreaterThanOrEqual(deployment.latency_p50_ms);
    const invalid = await fetch(`${fleet.baseUrl}/spend/daily?start_date=yesterday`, {
      headers: { authorization: `Bearer ${TEST_MASTER_KEY}` },
    });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { error: { param: string } }).error.param).toBe('start_date');
    const self = await fetch(`${fleet.baseUrl}/key/self`, { headers: { authorization: `Bearer ${key}` } });
    const identity = (await self.json()) as { role: string; key: { key_id: string; token: string } };
    expect(identity.role).toBe('virtual');
    expect(identity.key.key_id).toBe(keyId);
    expect(JSON.stringify(identity)).not.toContain(key);
  });
});
