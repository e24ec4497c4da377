import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { EVENT_LOOP_MONITORING_PRECISION_MS } from '@switchyard/telemetry/metrics-registry';
import { eventually, TEST_MASTER_KEY, TestFleet } from '@switchyard/testing';

/**
 * Tokenizer fuzz: texts the o200k tokenizer alone merges in quadratic time (a run of one
 * character, random letters, CJK, base64), 50 KB and 500 KB, on every path that counts tokens:
 * `count_tokens` in the ingress, the router's capacity step in the classifier (the tiny window of
 * its SIMPLE tier makes it count), and the dispatcher's estimates of a cut stream and of a
 * cancelled call. Meanwhile a process of its own polls the ingress's `/health/liveness`
 * (`LivenessPoller`): every answer must come within 100 ms (issue 13's requirement; see
 * `LIVENESS_LIMIT_MS` for a machine that cannot answer that fast even when quiet), and every
 * request must be answered.
 */

const KINDS = ['a run of one letter', 'random lowercase', 'CJK', 'base64'] as const;
const SIZES = [50 * 1024, 500 * 1024];
/**
 * Issue 13's requirement for liveness answers. A machine too busy to answer that fast even before
 * the fuzz (seen at load 15 on two cores) cannot show it, so the bound there is 3× the slowest
 * answer of the quiet phase: a counting path that held the ingress (seconds, before the fix) fails
 * either way.
 */
const LIVENESS_LIMIT_MS = 100;
const NOISY_MACHINE_FACTOR = 3;
const MOCK_CUT_STREAM = ' [[mock:{"chunks":8,"cutAfterChunks":3}]]';
const MOCK_SLOW = ' [[mock:{"latencyMs":4000}]]';

function randomText(length: number, alphabet: readonly string[], seed: number): string {
  let state = seed;
  const characters: string[] = [];
  for (let index = 0; index < length; index += 1) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    characters.push(alphabet[(state >>> 8) % alphabet.length]);
  }
  return characters.join('');
}

const LOWERCASE = [...'abcdefghijklmnopqrstuvwxyz'];
const BASE64 = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'];
const CJK = Array.from({ length: 3000 }, (_, index) => String.fromCodePoint(0x4e00 + index));

function textOf(kind: (typeof KINDS)[number], bytes: number): string {
  switch (kind) {
    case 'a run of one letter':
      return 'a'.repeat(bytes);
    case 'random lowercase':
      return randomText(bytes, LOWERCASE, bytes);
    case 'CJK':
      return randomText(Math.floor(bytes / 3), CJK, bytes); // 3 UTF-8 bytes each
    case 'base64':
      return randomText(bytes, BASE64, bytes);
  }
}

/** A router whose SIMPLE model has a 4,000-token window, so any request of these sizes is counted. */
function fuzzConfig(): string {
  const folder = mkdtempSync(join(tmpdir(), 'switchyard-tokenizer-fuzz-'));
  const path = join(folder, 'config.yaml');
  const model = (name: string, providerModel: string, window: number) => `
  - model_name: ${name}
    litellm_params:
      model: openai/${providerModel}
      api_key: demo-key-not-secret
      api_base: os.environ/MOCK_PROVIDER_URL
      input_cost_per_token: 0.000001
      output_cost_per_token: 0.000002
    model_info: { max_input_tokens: ${window} }`;
  writeFileSync(
    path,
    `model_list:${model('tiny-window', 'gpt-5.4-mini', 4_000)}${model('huge-window', 'gpt-5.5', 4_000_000)}
  - model_name: fuzz-router
    litellm_params:
      model: auto_router/complexity_router
      complexity_router_config:
        tiers: { SIMPLE: tiny-window, MEDIUM: huge-window, COMPLEX: huge-window, REASONING: huge-window }
    model_info: { mode: chat, disable_background_health_check: true }
general_settings:
  master_key: os.environ/LITELLM_MASTER_KEY
`,
  );
  return path;
}

/**
 * `liveness-poller.mjs` in its own process: it asks liveness every 10 ms and times each whole
 * answer, so the test's own work (500 KB bodies to build and send, answers to read, its garbage
 * collection) never counts as the ingress's delay.
 */
class LivenessPoller {
  private readonly lines: string[] = [];
  private readonly read: Promise<unknown>;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => this.lines.push(line));
    this.read = once(lines, 'close'); // every line, once the poller has exited
  }

  static start(url: string): LivenessPoller {
    return new LivenessPoller(spawn(process.execPath, [join(__dirname, 'liveness-poller.mjs'), url]));
  }

  /** Stops polling; every answer: when it was asked (`Date.now()`), how long it took, its status. */
  async stop(): Promise<{ at: number; ms: number; status: number }[]> {
    this.child.stdin.end();
    await this.read;
    return this.lines.map((line) => {
      const [at, ms, status] = line.split(' ').map(Number);
      return { at, ms, status };
    });
  }
}

interface Answer {
  path: string;
  status: number;
  body: string;
}

describe('Tokenizer fuzz', () => {
  let fleet: TestFleet;

  beforeAll(async () => {
    fleet = await TestFleet.start({ configPath: fuzzConfig() });
  }, 180_000);

  afterAll(async () => {
    await fleet?.stop();
  });

  async function post(
    path: string,
    body: unknown,
    signal?: AbortSignal,
    key = TEST_MASTER_KEY,
  ): Promise<Answer> {
    const response = await fetch(`${fleet.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify(body),
      signal,
    });
    return { path, status: response.status, body: await response.text() };
  }

  /**
   * prom-client's `nodejs_eventloop_lag_max_seconds` of the ingress, in ms. It is the longest
   * interval between two ticks of a timer set to `EVENT_LOOP_MONITORING_PRECISION_MS` (100 ms), so
   * an idle ingress reads about 100 (measured 100–110): a hold of the event loop for H ms reads
   * between max(100, H) and 100 + H, and a reading R bounds every hold to at most R.
   */
  async function ingressEventLoopLagMaxMs(): Promise<number> {
    const metrics = await (await fetch(`${fleet.baseUrl}/metrics`)).text();
    const line = /^nodejs_eventloop_lag_max_seconds(?:\{[^}]*\})? (\S+)$/m.exec(metrics);
    return line ? Number(line[1]) * 1000 : Number.NaN;
  }

  /**
   * Every path that counts tokens, for one text, one after the other (so the measure is each
   * path's hold on the ingress, not four services fighting for two cores).
   */
  async function countEverywhere(text: string): Promise<Answer[]> {
    const messages = (suffix: string) => [{ role: 'user', content: text + suffix }];
    const counted = await post('/v1/messages/count_tokens', { model: 'tiny-window', messages: messages('') });
    const routed = await post('/v1/chat/completions', {
      model: 'fuzz-router',
      max_tokens: 16,
      messages: messages(''),
    });
    const cut = await post('/v1/chat/completions', {
      model: 'huge-window',
      stream: true,
      messages: messages(MOCK_CUT_STREAM),
    });
    // cancelled while the provider works on it: the dispatcher estimates its usage
    const cancelled = await post(
      '/v1/chat/completions',
      { model: 'huge-window', messages: messages(MOCK_SLOW) },
      AbortSignal.timeout(500),
    ).catch((error: unknown) => ({ path: 'cancelled', status: 0, body: String(error) }));
    return [counted, routed, cut, cancelled];
  }

  it('answers liveness within 100 ms while every counting path works through pathological texts', async () => {
    const inputs = KINDS.flatMap((kind) => SIZES.map((size) => ({ kind, size, text: textOf(kind, size) })));
    const poller = LivenessPoller.start(`${fleet.baseUrl}/health/liveness`);
    const phases: { name: string; from: number }[] = [{ name: 'quiet', from: Date.now() }];
    const enter = (name: string) => phases.push({ name, from: Date.now() });

    const results: { kind: string; size: number; countTokensMs: number; answers: Answer[] }[] = [];
    let eventLoopLagMs: number;
    try {
      await countEverywhere('warm up every path once. '.repeat(40)); // connections, JIT, first cache misses
      await sleep(2000);
      await ingressEventLoopLagMaxMs(); // the maximum restarts at every scrape
      for (const { kind, size, text } of inputs) {
        enter(`${kind} ${size / 1024} KB`);
        const started = performance.now();
        const answers = await countEverywhere(text);
        results.push({ kind, size, countTokensMs: performance.now() - started, answers });
      }
      eventLoopLagMs = await ingressEventLoopLagMaxMs();
    } finally {
      enter('after');
    }
    const latencies = (await poller.stop())
      .map(({ at, ms, status }) => ({
        phase: phases.findLast((phase) => phase.from <= at)?.name ?? 'quiet',
        ms,
        status,
      }))
      .filter((latency) => latency.phase !== 'after');

    const quiet = latencies.filter((latency) => latency.phase === 'quiet').map((latency) => latency.ms);
    const fuzzed = latencies.filter((latency) => latency.phase !== 'quiet');
    expect(latencies.filter((latency) => latency.status !== 200)).toEqual([]);
    const slowest = Math.max(...fuzzed.map((latency) => latency.ms));
    const worst = [...fuzzed].sort((left, right) => right.ms - left.ms).slice(0, 5);
    console.log(
      `tokenizer fuzz: ${fuzzed.length} liveness answers during the fuzz, slowest ${worst.map((latency) => `${latency.ms.toFixed(1)} ms (${latency.phase})`).join(', ')}; ` +
        `before it, ${quiet.length} answers, slowest ${Math.max(...quiet).toFixed(1)} ms; ` +
        `ingress event loop lag max during the fuzz ${eventLoopLagMs.toFixed(1)} ms (sampled every ${EVENT_LOOP_MONITORING_PRECISION_MS} ms: an idle loop reads about ${EVENT_LOOP_MONITORING_PRECISION_MS}, and no hold was longer than this); ` +
        results
          .map(
            (result) =>
              `${result.kind} ${result.size / 1024} KB: ${result.answers.map((answer) => answer.status).join('/')} in ${result.countTokensMs.toFixed(0)} ms`,
          )
          .join('; '),
    );
    for (const { answers } of results) {
      const [counted, routed, cut, cancelled] = answers;
      expect(counted.status).toBe(200);
      expect((JSON.parse(counted.body) as { input_tokens: number }).input_tokens).toBeGreaterThan(1000);
      expect(routed.status).toBe(200);
      expect(cut.status).toBe(200);
      expect(cancelled.path).toBe('cancelled');
    }
    expect(fuzzed.length).toBeGreaterThan(10);
    // the dispatcher estimated every cut stream and the cancelled calls from their prompts
    const estimated = await eventually(
      () =>
        fleet.database
          .query<{ status: string; input_tokens: number }>(
            "SELECT status, input_tokens FROM usage_events WHERE model = 'huge-window' AND usage_estimated AND input_tokens > 1000",
          )
          .catch(() => []),
      (rows) => rows.filter((row) => row.status === 'error').length >= inputs.length,
    );
    expect(estimated.filter((row) => row.status === 'error')).toHaveLength(inputs.length);
    expect(estimated.filter((row) => row.status === 'cancelled').length).toBeGreaterThan(0);
    expect(slowest).toBeLessThan(Math.max(LIVENESS_LIMIT_MS, NOISY_MACHINE_FACTOR * Math.max(...quiet)));
  }, 300_000);

  it.each([
    ['/v1/messages/count_tokens', 'tiny-window'],
    ['/v1/route/explain', 'fuzz-router'],
  ])("counts %s against the key's rpm_limit before any work", async (path, model) => {
    const minted = await post('/key/generate', { rpm_limit: 2 });
    expect(minted.status).toBe(200);
    const { key } = JSON.parse(minted.body) as { key: string };
    const body = { model, messages: [{ role: 'user', content: 'a'.repeat(50 * 1024) }] };

    const statuses: number[] = [];
    for (let request = 0; request < 3; request += 1) {
      statuses.push((await post(path, body, undefined, key)).status);
    }

    expect(statuses).toEqual([200, 200, 429]);
  });
});
