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

interface CodexRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

const CODEX = join(REPO_ROOT, 'node_modules/.bin/codex');
/** What Codex's shell tool runs in the round trip, and what only its output (not the command) contains. */
const COMMAND = 'echo $((6*7))-switchyard-tool-ok';
const COMMAND_OUTPUT = '42-switchyard-tool-ok';

/**
 * The real Codex CLI (@openai/codex, pinned in devDependencies) against the demo fleet: its
 * config.toml is what `GET /integrations/codex` writes, in a throw-away HOME/CODEX_HOME.
 */
describe('Codex CLI end to end (codex exec, frontier-router)', () => {
  let fleet: TestFleet;
  let mock: MockControl;
  let home: string;
  let workspace: string;

  beforeAll(async () => {
    fleet = await TestFleet.start();
    mock = new MockControl(fleet.mockUrl);
    home = mkdtempSync(join(tmpdir(), 'switchyard-codex-'));
    workspace = join(home, 'workspace');
    mkdirSync(join(home, '.codex'), { recursive: true });
    mkdirSync(workspace);
    const setup = await fetch(`${fleet.baseUrl}/integrations/codex?model=frontier-router`, {
      headers: { authorization: `Bearer ${TEST_MASTER_KEY}` },
    });
    expect(setup.status).toBe(200);
    writeFileSync(join(home, '.codex/config.toml'), await setup.text());
  });

  afterAll(async () => {
    await fleet?.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  /** `codex exec <prompt>` with nothing but PATH, the throw-away HOME and the key variable config.toml names. */
  function codexExec(prompt: string, model?: string): Promise<CodexRun> {
    const modelArguments = model === undefined ? [] : ['-m', model];
    return new Promise((resolve, reject) => {
      const child = spawn(CODEX, ['exec', '--skip-git-repo-check', ...modelArguments, prompt], {
        cwd: workspace,
        env: {
          PATH: process.env.PATH,
          HOME: home,
          CODEX_HOME: join(home, '.codex'),
          LITELLM_API_KEY: TEST_MASTER_KEY,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  /** Exit code 0, or the end of what the CLI wrote on stderr as the failure message. */
  function expectExitZero(run: CodexRun): void {
    expect(run.code === 0 ? 'exit 0' : `exit ${run.code}: ${run.stderr.slice(-3000)}`).toBe('exit 0');
  }

  const allResponsesRows = () =>
    fleet.database.query<UsageRow>(
      `SELECT * FROM usage_events WHERE endpoint = 'responses' ORDER BY started_at`,
    );

  /** The usage rows of the Responses surface written after the first `before`, once there are `count`. */
  const newResponsesRows = async (before: number, count: number) =>
    (
      await eventually(allResponsesRows, (rows) => rows.length >= before + count, {
        description: `${count} more usage rows with endpoint 'responses'`,
      })
    ).slice(before);

  it('answers `codex exec "Hello"` through frontier-router and leaves a responses usage row with router and tier', async () => {
    const before = (await allResponsesRows()).length;

    const run = await codexExec('Hello');

    expectExitZero(run);
    expect(run.stdout).toMatch(/^Mock reply from [\w.-]+: Hello\s*$/);
    const [row] = await newResponsesRows(before, 1);
    expect(row).toMatchObject({
      endpoint: 'responses',
      kind: 'upstream',
      model_group: 'frontier-router',
      router: 'frontier-router',
      tier: 'SIMPLE',
      http_status: 200,
    });
    expect(row.output_tokens).toBeGreaterThan(0);
  });

  it('runs a tool round trip: the model calls exec_command, Codex runs it and sends function_call_output, then prints the final text', async () => {
    await mock.reset();
    const knob = JSON.stringify({ toolCall: { name: 'exec_command', arguments: { cmd: COMMAND } } });

    const before = (await allResponsesRows()).length;

    const run = await codexExec(`Run the check for me [[mock:${knob}]]`);

    expectExitZero(run);
    // Codex ran the command the model asked for (it reports each exec on stderr) …
    expect(run.stderr).toContain(COMMAND_OUTPUT);
    // … and sent its output back upstream on the second turn, which got the final text
    const upstream = await mock.requests();
    const chats = upstream.filter((entry) => entry.endpoint !== 'models');
    expect(chats).toHaveLength(2);
    // the SIMPLE tier (gpt-5.4-mini) is an OpenAI deployment: both turns on its native Responses endpoint
    expect(chats.map((entry) => [entry.format, entry.path, entry.model])).toEqual([
      ['openai', '/responses', 'gpt-5.4-mini'],
      ['openai', '/responses', 'gpt-5.4-mini'],
    ]);
    expect(JSON.stringify(chats[0].body)).not.toContain(COMMAND_OUTPUT);
    expect(JSON.stringify(chats[1].body)).toContain(COMMAND_OUTPUT);
    expect(run.stdout).toMatch(/^Mock reply from [\w.-]+: tool result: /);
    const rows = await newResponsesRows(before, 2);
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).toMatchObject({
        endpoint: 'responses',
        kind: 'upstream',
        model_group: 'frontier-router',
        router: 'frontier-router',
        tier: 'SIMPLE',
        http_status: 200,
      });
    }
  });

  it('runs the same round trip on an Anthropic model: function_call_output reaches it as a tool_result', async () => {
    await mock.reset();
    const knob = JSON.stringify({ toolCall: { name: 'exec_command', arguments: { cmd: COMMAND } } });

    const before = (await allResponsesRows()).length;

    const run = await codexExec(`Run the check for me [[mock:${knob}]]`, 'claude-sonnet-4-6');

    expectExitZero(run);
    const chats = (await mock.requests()).filter((entry) => entry.endpoint !== 'models');
    expect(chats.map((entry) => [entry.format, entry.path])).toEqual([
      ['anthropic', '/v1/messages'],
      ['anthropic', '/v1/messages'],
    ]);
    const lastMessage = (chats[1].body as { messages: { role: string; content: unknown }[] }).messages.at(
      -1,
    )!;
    expect(lastMessage.role).toBe('user');
    expect(lastMessage.content).toEqual([
      expect.objectContaining({ type: 'tool_result', content: expect.stringContaining(COMMAND_OUTPUT) }),
    ]);
    expect(run.stdout).toMatch(/^Mock reply from claude-sonnet-4-6: tool result: /);
    const rows = await newResponsesRows(before, 2);
    expect(rows.map((row) => [row.endpoint, row.model_group, row.router])).toEqual([
      ['responses', 'claude-sonnet-4-6', null],
      ['responses', 'claude-sonnet-4-6', null],
    ]);
  });
});
