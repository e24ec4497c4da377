import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, MockControl, REPO_ROOT, TEST_MASTER_KEY, TestFleet } from '@switchyard/testing';

interface UsageRow {
  endpoint: string;
  kind: string;
  model_group: string;
  router: string | null;
  tier: string | null;
  http_status: number;
  output_tokens: number;
}

interface GeminiRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

const GEMINI = join(REPO_ROOT, 'node_modules/.bin/gemini');
/** A file of the workspace that Gemini CLI's read_file tool reads in the round trip. */
const NOTES = 'notes.txt';
const NOTES_TEXT = 'switchyard-notes-42 the file the agent read';

/**
 * The real Gemini CLI (@google/gemini-cli, pinned in devDependencies) against the demo fleet: its
 * environment lines and settings.json are what `GET /integrations/gemini-cli` writes, in a
 * throw-away HOME.
 */
describe('Gemini CLI end to end (gemini -p, opencodego-router)', () => {
  let fleet: TestFleet;
  let mock: MockControl;
  let home: string;
  let workspace: string;
  let environmentLines: string;

  beforeAll(async () => {
    fleet = await TestFleet.start();
    mock = new MockControl(fleet.mockUrl);
    home = mkdtempSync(join(tmpdir(), 'switchyard-gemini-'));
    workspace = join(home, 'workspace');
    mkdirSync(join(home, '.gemini'), { recursive: true });
    mkdirSync(workspace);
    writeFileSync(join(workspace, NOTES), `${NOTES_TEXT}\n`);
    const headers = { authorization: `Bearer ${TEST_MASTER_KEY}` };
    const settings = await fetch(`${fleet.baseUrl}/integrations/gemini-cli/settings.json`, { headers });
    const environment = await fetch(`${fleet.baseUrl}/integrations/gemini-cli?model=opencodego-router`, {
      headers,
    });
    expect([settings.status, environment.status]).toEqual([200, 200]);
    writeFileSync(join(home, '.gemini/settings.json'), await settings.text());
    environmentLines = await environment.text();
  });

  afterAll(async () => {
    await fleet?.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  /**
   * `gemini -p <prompt> -m opencodego-router` in a shell that first runs the environment lines as
   * they are (they read the key from LITELLM_API_KEY); the workspace is trusted for headless use.
   */
  function geminiPrompt(prompt: string): Promise<GeminiRun> {
    return new Promise((resolve, reject) => {
      const child = spawn(
        'bash',
        ['-c', `${environmentLines}\nexec "$GEMINI" -p "$PROMPT" -m opencodego-router`],
        {
          cwd: workspace,
          env: {
            PATH: process.env.PATH,
            HOME: home,
            LITELLM_API_KEY: TEST_MASTER_KEY,
            GEMINI_CLI_TRUST_WORKSPACE: 'true',
            GEMINI: GEMINI,
            PROMPT: prompt,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  /** Exit code 0, or the end of what the CLI wrote on stderr as the failure message. */
  function expectExitZero(run: GeminiRun): void {
    expect(run.code === 0 ? 'exit 0' : `exit ${run.code}: ${run.stderr.slice(-3000)}`).toBe('exit 0');
  }

  const allGeminiRows = () =>
    fleet.database.query<UsageRow>(
      `SELECT * FROM usage_events WHERE endpoint = 'gemini' ORDER BY started_at`,
    );

  /** The usage rows of the Gemini surface written after the first `before`, once there are `count`. */
  const newGeminiRows = async (before: number, count: number) =>
    (
      await eventually(allGeminiRows, (rows) => rows.length >= before + count, {
        description: `${count} more usage rows with endpoint 'gemini'`,
      })
    ).slice(before);

  it('answers `gemini -p "Hello" -m opencodego-router` and leaves a gemini usage row with router and tier', async () => {
    const before = (await allGeminiRows()).length;

    const run = await geminiPrompt('Hello');

    expectExitZero(run);
    expect(run.stdout).toMatch(/Mock reply from [\w.-]+:/);
    expect(JSON.stringify((await mock.requests()).at(-1)?.body)).toContain('Hello');
    const [row] = await newGeminiRows(before, 1);
    expect(row).toMatchObject({
      endpoint: 'gemini',
      kind: 'upstream',
      model_group: 'opencodego-router',
      router: 'opencodego-router',
      tier: 'SIMPLE',
      http_status: 200,
    });
    expect(row.output_tokens).toBeGreaterThan(0);
  });

  it('runs a tool round trip: the model calls read_file, the CLI reads the file and sends a functionResponse, then prints the final text', async () => {
    await mock.reset();
    const knob = JSON.stringify({ toolCall: { name: 'read_file', arguments: { file_path: NOTES } } });

    const before = (await allGeminiRows()).length;

    const run = await geminiPrompt(`Summarise the notes [[mock:${knob}]]`);

    expectExitZero(run);
    // the file's text reached the provider only on the second turn, as the tool's result …
    const upstream = await mock.requests();
    const chats = upstream.filter((entry) => entry.endpoint !== 'models');
    expect(chats).toHaveLength(2);
    expect(JSON.stringify(chats[0].body)).not.toContain('switchyard-notes-42');
    expect(JSON.stringify(chats[1].body)).toContain('switchyard-notes-42');
    // … and the final text answers it
    expect(run.stdout).toMatch(/Mock reply from [\w.-]+: tool result: .*switchyard-notes-42/);
    const rows = await newGeminiRows(before, 2);
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).toMatchObject({
        endpoint: 'gemini',
        kind: 'upstream',
        model_group: 'opencodego-router',
        router: 'opencodego-router',
        tier: 'SIMPLE',
        http_status: 200,
      });
    }
    expect(chats[1].model).toBe(chats[0].model);
  });
});
