import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, REPO_ROOT, TEST_MASTER_KEY, TestFleet } from '@switchyard/testing';

interface UsageRow {
  endpoint: string;
  router: string | null;
  tier: string | null;
  status: string;
  stream: boolean;
  session_id: string | null;
}

/** Runs the real Codex CLI (pinned in devDependencies) with a throw-away HOME; stdin closed. */
function codexExec(
  home: string,
  prompt: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(join(REPO_ROOT, 'node_modules/.bin/codex'), ['exec', '--skip-git-repo-check', prompt], {
    cwd: home,
    env: {
      ...process.env,
      HOME: home,
      CODEX_HOME: join(home, '.codex'),
      SWITCHYARD_API_KEY: TEST_MASTER_KEY,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
  child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('Codex CLI 0.171.0 through the Responses API (demo fleet)', () => {
  let fleet: TestFleet;
  let home: string;

  beforeAll(async () => {
    fleet = await TestFleet.start();
    home = mkdtempSync(join(tmpdir(), 'switchyard-codex-'));
    mkdirSync(join(home, '.codex'));
    writeFileSync(
      join(home, '.codex', 'config.toml'),
      [
        'model = "frontier-router"',
        'model_provider = "switchyard"',
        '[model_providers.switchyard]',
        'name = "Switchyard"',
        `base_url = "${fleet.baseUrl}/v1"`,
        'env_key = "SWITCHYARD_API_KEY"',
        'wire_api = "responses"',
        '',
      ].join('\n'),
    );
  }, 120_000);

  afterAll(async () => {
    await fleet?.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('codex exec "Hello" gets the routed model\'s answer and leaves a responses usage row with router and tier', async () => {
    const result = await codexExec(home, 'Hello');

    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^Mock reply from [\w.-]+: Hello$/);
    const rows = await eventually(
      () => fleet.database.query<UsageRow>(`SELECT * FROM usage_events WHERE endpoint = 'responses'`),
      (found) => found.length >= 1,
      { timeoutMs: 10_000, description: "Codex's usage row" },
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ router: 'frontier-router', status: 'success', stream: true });
    expect(rows[0].tier).not.toBeNull();
    // Codex's session-id header keeps the conversation on one model
    expect(rows[0].session_id).toMatch(/^[0-9a-f-]{36}$/);
  }, 120_000);
});
