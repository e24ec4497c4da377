import { configVariant, eventually, REPO_ROOT, TEST_MASTER_KEY, TestFleet } from '@switchyard/testing';

interface Endpoint {
  model_name: string;
  model: string;
  deployment_id: string;
  provider: string;
  status: string;
  checked_at: string | null;
  probe: string | null;
  error: string | null;
  error_code: string | null;
}

interface RouterHealth {
  model_name: string;
  status: string;
  tiers: { tier: string; status: string; models: { model_name: string; status: string }[] }[];
}

interface HealthReport {
  healthy_endpoints: Endpoint[];
  unhealthy_endpoints: Endpoint[];
  healthy_count: number;
  unhealthy_count: number;
  pending_endpoints: Endpoint[];
  skipped_endpoints: Endpoint[];
  routers: RouterHealth[];
  health_check_interval: number;
}

interface Readiness {
  status: string;
  failed: string[];
  checks: Record<string, { status: string; error?: string }>;
}

const ROUTERS = ['frontier-router', 'mistral-router', 'opencodego-router'];
const PROVIDERS = ['anthropic', 'gemini', 'mistral', 'openai', 'opencodego'];

describe('health end to end (demo fleet, probes every second)', () => {
  let fleet: TestFleet;

  beforeAll(async () => {
    // the demo config with a one-second interval, so a stopped upstream shows within the test
    const variant = configVariant(REPO_ROOT, { health_check_interval: 1 });
    // fleet only: a test stops the ledger process while the ingress keeps running
    fleet = await TestFleet.start({
      ...variant,
      mode: 'fleet',
      environment: { BACKGROUND_HEALTH_CHECKS: 'true' },
    });
  });

  afterAll(async () => {
    await fleet?.stop();
  });

  async function health(): Promise<HealthReport> {
    const response = await fetch(`${fleet.baseUrl}/health`, {
      headers: { authorization: `Bearer ${TEST_MASTER_KEY}` },
    });
    if (response.status !== 200) throw new Error(`/health answered ${response.status}`);
    return (await response.json()) as HealthReport;
  }

  async function readiness(): Promise<{ status: number; body: Readiness }> {
    const response = await fetch(`${fleet.baseUrl}/health/readiness`);
    return { status: response.status, body: (await response.json()) as Readiness };
  }

  it.each(['liveness', 'liveliness'])(
    'answers /health/%s without a key and without checking anything',
    async (path) => {
      const response = await fetch(`${fleet.baseUrl}/health/${path}`);

      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok' });
    },
  );

  it('is ready when NATS, Redis and a ledger answer, and says so per dependency', async () => {
    const { status, body } = await eventually(readiness, (result) => result.status === 200, {
      description: 'readiness 200',
    });

    expect(status).toBe(200);
    expect(body).toEqual({
      status: 'ok',
      failed: [],
      checks: { nats: { status: 'ok' }, redis: { status: 'ok' }, ledger: { status: 'ok' } },
    });
  });

  it('requires the master key for /health', async () => {
    const anonymous = await fetch(`${fleet.baseUrl}/health`);
    const stranger = await fetch(`${fleet.baseUrl}/health`, {
      headers: { authorization: 'Bearer sk-wrong' },
    });

    expect(anonymous.status).toBe(401);
    expect(stranger.status).toBe(403);
  });

  it('lists the 27 deployments healthy from background probes, and the 3 routers derived from their tiers', async () => {
    const report = await eventually(health, (value) => value.healthy_count === 27, {
      description: '27 healthy deployments',
    });

    expect(report.unhealthy_count).toBe(0);
    expect(report.pending_endpoints).toEqual([]);
    expect(report.skipped_endpoints).toEqual([]);
    expect(report.health_check_interval).toBe(1);
    const names = report.healthy_endpoints.map((endpoint) => endpoint.model_name);
    expect(new Set(names).size).toBe(27);
    expect(names).toEqual(
      expect.arrayContaining(['gpt-5.5', 'claude-opus-4-8', 'mistral-small-4', 'opencode-glm-5']),
    );
    expect(names).not.toEqual(expect.arrayContaining([expect.stringMatching(/-router$/)]));
    expect([...new Set(report.healthy_endpoints.map((endpoint) => endpoint.provider))].sort()).toEqual(
      PROVIDERS,
    );
    for (const endpoint of report.healthy_endpoints) {
      expect(endpoint.checked_at).not.toBeNull();
      expect(endpoint.probe).toMatch(/^GET \//);
    }
    expect(
      report.healthy_endpoints.find((endpoint) => endpoint.model_name === 'mistral-small-4'),
    ).toMatchObject({
      model: 'mistral/mistral-small-2603',
      probe: 'GET /models/mistral-small-2603',
    });

    expect(report.routers.map((router) => router.model_name).sort()).toEqual(ROUTERS);
    for (const router of report.routers) expect(router.status).toBe('healthy');
    const frontier = report.routers.find((router) => router.model_name === 'frontier-router')!;
    expect(frontier.tiers).toEqual([
      { tier: 'SIMPLE', status: 'healthy', models: [{ model_name: 'gpt-5.4-mini', status: 'healthy' }] },
      { tier: 'MEDIUM', status: 'healthy', models: [{ model_name: 'claude-sonnet-4-6', status: 'healthy' }] },
      { tier: 'COMPLEX', status: 'healthy', models: [{ model_name: 'gpt-5.5', status: 'healthy' }] },
      {
        tier: 'REASONING',
        status: 'healthy',
        models: [{ model_name: 'claude-opus-4-8', status: 'healthy' }],
      },
    ]);
  });

  it('with the mock provider stopped: stays ready, and reports every deployment unhealthy with the reason', async () => {
    await fleet.fleet.stopService('mock-provider');

    const report = await eventually(health, (value) => value.unhealthy_count === 27, {
      description: '27 unhealthy deployments after the mock stopped',
    });

    expect(report.healthy_count).toBe(0);
    for (const endpoint of report.unhealthy_endpoints) {
      expect(endpoint.error_code).toBe('upstream_connection_error');
      expect(endpoint.error).toContain(`connection to ${endpoint.provider} failed`);
      expect(endpoint.error).not.toContain('demo-key-not-secret');
    }
    // routers are derived, never probed: not failures of their own
    expect(report.unhealthy_endpoints.map((endpoint) => endpoint.model_name)).not.toEqual(
      expect.arrayContaining(ROUTERS),
    );
    for (const router of report.routers) {
      expect(router.status).toBe('unhealthy');
      for (const tier of router.tiers) expect(tier.status).toBe('unhealthy');
    }

    const ready = await readiness();
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ok');
  });

  it('becomes unready naming the ledger when no ledger consumes usage events', async () => {
    await fleet.fleet.stopService('ledger');

    const { status, body } = await eventually(readiness, (result) => result.status === 503, {
      description: 'readiness 503 after the ledger stopped',
      timeoutMs: 60_000,
    });

    expect(status).toBe(503);
    expect(body.status).toBe('unavailable');
    expect(body.failed).toEqual(['ledger']);
    expect(body.checks.ledger.error).toContain('ledger');
    expect(body.checks.nats).toEqual({ status: 'ok' });
    expect(body.checks.redis).toEqual({ status: 'ok' });
  });
});
