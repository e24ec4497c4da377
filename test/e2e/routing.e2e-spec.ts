import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Fleet, freePort } from '@switchyard/fleet';
import {
  MockControl,
  REPO_ROOT,
  TEST_MASTER_KEY,
  TestFleet,
  testInfrastructure,
  writeTestConfig,
} from '@switchyard/testing';

const fixture = JSON.parse(
  readFileSync(join(REPO_ROOT, 'test/fixtures/opencode-chat-request.json'), 'utf8'),
) as { headers: Record<string, string>; body: Record<string, unknown> };

const TECHNICAL_REASONING_ASK =
  'Explain your reasoning for this authentication architecture. First, analyze the distributed design, then implement the container orchestration layer.';

interface UsageRow {
  router: string | null;
  tier: string | null;
  route_cause: string | null;
  route_score: number | null;
  route_dimensions: Record<string, number> | null;
  model: string;
  model_group: string;
}

describe('complexity routers through the gateway', () => {
  let fleet: TestFleet;
  let mock: MockControl;

  beforeAll(async () => {
    const configPath = writeTestConfig((document) => {
      const router = document.model_list.find((entry) => entry.model_name === 'frontier-router')!;
      (router.litellm_params.complexity_router_config as Record<string, unknown>).session_affinity = true;
    });
    fleet = await TestFleet.start({ configPath });
    mock = new MockControl(fleet.mockUrl);
  });

  afterAll(async () => {
    await fleet?.stop();
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${fleet.baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  const usageRow = async (callId: string) => (await fleet.usageRowsOf<UsageRow>(callId))[0];

  it("routes OpenCode's real request (ask: Hello) through opencodego-router to the SIMPLE model", async () => {
    const { 'content-type': _type, 'accept-encoding': _encoding, ...headers } = fixture.headers;
    const response = await post('/v1/chat/completions', fixture.body, headers);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    expect(response.headers.get('x-litellm-model-group')).toBe('opencodego-router');
    expect(response.headers.get('x-litellm-complexity-router-tier')).toBe('SIMPLE');
    expect(response.headers.get('x-litellm-complexity-router-cause')).toBe('heuristic_scorer');
    expect(Number(response.headers.get('x-litellm-complexity-router-score'))).toBeCloseTo(-0.2, 10);
    const text = await response.text();
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    const content = text
      .split('\n\n')
      .filter((frame) => frame.startsWith('data: {'))
      .map(
        (frame) => JSON.parse(frame.slice('data: '.length)) as { choices: { delta: { content?: string } }[] },
      )
      .map((chunk) => chunk.choices[0]?.delta.content ?? '')
      .join('');
    expect(content).toBe('Mock reply from deepseek-v4-flash: Hello');

    const row = await usageRow(response.headers.get('x-litellm-call-id')!);
    expect(row).toMatchObject({
      router: 'opencodego-router',
      tier: 'SIMPLE',
      route_cause: 'heuristic_scorer',
      model: 'opencode-deepseek-v4-flash',
      model_group: 'opencodego-router',
    });
    expect(row?.route_dimensions).toMatchObject({ simpleIndicators: -1 });
  });

  it('explains a decision without calling any model', async () => {
    const before = (await mock.requests()).length;
    const response = await post('/v1/route/explain', {
      model: 'opencodego-router',
      messages: [{ role: 'user', content: TECHNICAL_REASONING_ASK }],
    });
    expect(response.status).toBe(200);
    const decision = (await response.json()) as {
      tier: string;
      model: string;
      score: number;
      cause: string;
      dimensions: { name: string; raw: number; weight: number; matched: string[] }[];
      deployments: { provider: string }[];
    };
    expect(decision).toMatchObject({
      tier: 'REASONING',
      model: 'opencode-mimo-v2-5-pro',
      cause: 'heuristic_scorer',
    });
    expect(decision.score).toBeCloseTo(0.595, 10);
    expect(decision.dimensions.find((dimension) => dimension.name === 'reasoningMarkers')?.matched).toEqual([
      'explain your reasoning',
    ]);
    expect(decision.deployments[0].provider).toBe('opencodego');
    expect((await mock.requests()).length).toBe(before);
  });

  it('keeps a session on its model under session_affinity unless the new ask needs a higher tier', async () => {
    const ask = async (content: string, session: string) => {
      const response = await post(
        '/v1/chat/completions',
        { model: 'frontier-router', messages: [{ role: 'user', content }] },
        { 'x-session-id': session },
      );
      expect(response.status).toBe(200);
      return {
        tier: response.headers.get('x-litellm-complexity-router-tier'),
        cause: response.headers.get('x-litellm-complexity-router-cause'),
        model: response.headers.get('x-litellm-complexity-router-model'),
      };
    };
    const reasoningAsk =
      'Think step by step and explain your reasoning: compare and contrast two designs for the authentication architecture.';
    expect(await ask(reasoningAsk, 'ses_affinity_a')).toMatchObject({
      tier: 'REASONING',
      model: 'claude-opus-4-8',
    });
    expect(await ask('Hello, can you help me?', 'ses_affinity_a')).toEqual({
      tier: 'REASONING',
      cause: 'session_affinity',
      model: 'claude-opus-4-8',
    });
    expect(await ask('Hello, can you help me?', 'ses_affinity_b')).toMatchObject({
      tier: 'SIMPLE',
      model: 'gpt-5.4-mini',
    });
  });

  it('refuses a router request without messages with 400 naming the parameter', async () => {
    const response = await post('/v1/chat/completions', { model: 'opencodego-router', messages: [] });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { type: string; param: string } };
    expect(body.error).toMatchObject({ type: 'invalid_request_error', param: 'messages' });
  });
});

describe('a malformed router config', () => {
  it('stops the classifier and the ingress at start, naming the path', async () => {
    const configPath = writeTestConfig((document) => {
      const router = document.model_list.find((entry) => entry.model_name === 'mistral-router')!;
      (router.litellm_params.complexity_router_config as { tiers: Record<string, string> }).tiers.HARD =
        'mistral-small-4';
    });
    const infrastructure = testInfrastructure();
    for (const app of ['classifier', 'ingress'] as const) {
      const logs: string[] = [];
      const fleet = new Fleet({ root: REPO_ROOT, onLine: (line) => logs.push(line) });
      const port = await freePort();
      const start = fleet.startService({
        name: app,
        app,
        environment: {
          GATEWAY_CONFIG: configPath,
          NATS_URL: infrastructure.natsUrl,
          REDIS_URL: infrastructure.redisUrl,
          LITELLM_MASTER_KEY: TEST_MASTER_KEY,
          METRICS_PORT: String(port),
          PORT: String(port),
          HOST: '127.0.0.1',
        },
        readyUrl:
          app === 'ingress'
            ? `http://127.0.0.1:${port}/health/liveness`
            : `http://127.0.0.1:${port}/health/readiness`,
      });
      await expect(start).rejects.toThrow(`${app} exited with code 1`);
      expect(logs.join('\n')).toContain('model_list[16].litellm_params.complexity_router_config.tiers');
      expect(logs.join('\n')).toContain('router "mistral-router"');
      await fleet.stop();
    }
  });
});
