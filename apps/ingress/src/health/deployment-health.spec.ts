import { type Deployment, parseGatewayConfig } from '@switchyard/config';
import { DeploymentHealth, type DeploymentProber } from './deployment-health';
import type { ProbeRecord } from './health-report';
import { ProbeFailureCodes } from './probe-client';

function configurationWith(generalSettings: string) {
  return parseGatewayConfig(
    `
model_list:
  - model_name: cheap
    litellm_params: { model: openai/gpt-5.4-mini, api_key: k }
    model_info: { id: cheap-1 }
  - model_name: cheap
    litellm_params: { model: openai/gpt-5.4-mini, api_key: k, api_base: "http://second.test" }
    model_info: { id: cheap-2 }
  - model_name: strong
    litellm_params: { model: anthropic/claude-opus-4-8, api_key: k }
    model_info: { id: strong-1 }
  - model_name: quiet
    litellm_params: { model: mistral/mistral-small-2603, api_key: k }
    model_info: { id: quiet-1, disable_background_health_check: true }
  - model_name: smart-router
    litellm_params:
      model: auto_router/complexity_router
      complexity_router_config:
        tiers: { SIMPLE: cheap, MEDIUM: quiet, COMPLEX: strong }
    model_info: { disable_background_health_check: true }
general_settings:
${generalSettings}
`,
    { source: 'health-test.yaml', environment: {} },
  );
}

/** Answers from a table at the time of its clock; records which deployments it probed. */
class FakeProber implements DeploymentProber {
  readonly calls: string[] = [];
  now = Date.now();
  constructor(public outcomes: Record<string, Partial<ProbeRecord>>) {}

  async probe(deployment: Deployment): Promise<ProbeRecord> {
    this.calls.push(deployment.id);
    return {
      status: 'healthy',
      checkedAt: new Date(this.now),
      latencyMs: 1,
      probe: 'GET /models/x',
      error: null,
      ...this.outcomes[deployment.id],
    };
  }
}

const down = (message: string, code = 'upstream_connection_error'): Partial<ProbeRecord> => ({
  status: 'unhealthy',
  error: { message, code, status: 502 },
});

describe(DeploymentHealth.name, () => {
  it('probes the background deployments, skips the disabled one, and derives the router from its tiers', async () => {
    const prober = new FakeProber({ 'cheap-1': down('connection to openai failed: ECONNREFUSED') });
    const sut = new DeploymentHealth(
      configurationWith('  health_check_skip_disabled_background_models: true'),
      prober,
      {},
    );

    await sut.probeDue('background');
    const report = await sut.report();

    expect(prober.calls.sort()).toEqual(['cheap-1', 'cheap-2', 'strong-1']);
    expect(report.healthy_endpoints.map((endpoint) => endpoint.deployment_id)).toEqual([
      'cheap-2',
      'strong-1',
    ]);
    expect(report.unhealthy_endpoints).toEqual([
      expect.objectContaining({
        model_name: 'cheap',
        model: 'openai/gpt-5.4-mini',
        deployment_id: 'cheap-1',
        provider: 'openai',
        status: 'unhealthy',
        error: 'connection to openai failed: ECONNREFUSED',
        error_code: 'upstream_connection_error',
      }),
    ]);
    expect(report.skipped_endpoints).toEqual([
      expect.objectContaining({
        deployment_id: 'quiet-1',
        status: 'skipped',
        error: expect.stringContaining('disable_background_health_check'),
      }),
    ]);
    expect(report.health_check_interval).toBe(300);
    // one healthy deployment of "cheap" makes the tier healthy; "quiet" is never checked: unknown
    expect(report.routers).toEqual([
      {
        model_name: 'smart-router',
        status: 'unknown',
        tiers: [
          { tier: 'SIMPLE', status: 'healthy', models: [{ model_name: 'cheap', status: 'healthy' }] },
          { tier: 'MEDIUM', status: 'unknown', models: [{ model_name: 'quiet', status: 'unknown' }] },
          { tier: 'COMPLEX', status: 'healthy', models: [{ model_name: 'strong', status: 'healthy' }] },
        ],
      },
    ]);
    expect(report.unhealthy_endpoints.map((endpoint) => endpoint.model_name)).not.toContain('smart-router');
  });

  it('reports deployments as pending before the first round', async () => {
    const sut = new DeploymentHealth(
      configurationWith('  health_check_interval: 60'),
      new FakeProber({}),
      {},
    );

    const report = await sut.report();

    // only the deployment checked on demand ("quiet": no skip setting) has a result yet
    expect(report.healthy_endpoints.map((endpoint) => endpoint.deployment_id)).toEqual(['quiet-1']);
    expect(report.pending_endpoints.map((endpoint) => endpoint.deployment_id)).toEqual([
      'cheap-1',
      'cheap-2',
      'strong-1',
    ]);
    expect(report.routers[0].status).toBe('unknown');
  });

  it('probes a disabled deployment on demand when skipping is not configured, at most once per interval', async () => {
    const prober = new FakeProber({});
    const sut = new DeploymentHealth(configurationWith('  health_check_interval: 60'), prober, {});
    const start = prober.now;

    await sut.report(start);
    await sut.report(start + 30_000);
    prober.now = start + 61_000;
    const report = await sut.report(prober.now);

    expect(prober.calls).toEqual(['quiet-1', 'quiet-1']);
    expect(report.healthy_endpoints.map((endpoint) => endpoint.deployment_id)).toEqual(['quiet-1']);
  });

  it('re-probes only what is stale: a deployment whose dispatcher was missing after seconds, the others after the interval', async () => {
    const prober = new FakeProber({
      'strong-1': down('no dispatcher serves provider anthropic', ProbeFailureCodes.noDispatcher),
    });
    const sut = new DeploymentHealth(configurationWith('  health_check_interval: 60'), prober, {});
    const start = prober.now;

    await sut.probeDue('background', start);
    prober.outcomes = {};
    prober.now = start + 6_000;
    await sut.probeDue('background', prober.now);
    const afterRetry = [...prober.calls];
    prober.now = start + 61_000;
    await sut.probeDue('background', prober.now);

    expect(afterRetry.sort()).toEqual(['cheap-1', 'cheap-2', 'strong-1', 'strong-1']);
    expect(prober.calls.slice(afterRetry.length).sort()).toEqual(['cheap-1', 'cheap-2']);
    expect((await sut.report(start + 61_000)).routers[0].tiers[2].status).toBe('healthy');
  });

  it('marks every tier unhealthy, and the router unhealthy, when all their models are down', async () => {
    const prober = new FakeProber({
      'cheap-1': down('down'),
      'cheap-2': down('down'),
      'strong-1': down('down'),
      'quiet-1': down('down'),
    });
    const sut = new DeploymentHealth(configurationWith('  background_health_checks: false'), prober, {});

    const report = await sut.report();

    expect(report.background_health_checks).toBe(false);
    expect(prober.calls.sort()).toEqual(['cheap-1', 'cheap-2', 'quiet-1', 'strong-1']);
    expect(report.unhealthy_count).toBe(4);
    expect(report.routers[0].status).toBe('unhealthy');
  });

  it('leaves background probing to BACKGROUND_HEALTH_CHECKS when it is set', async () => {
    const prober = new FakeProber({});
    const sut = new DeploymentHealth(configurationWith('  health_check_interval: 60'), prober, {
      BACKGROUND_HEALTH_CHECKS: false,
    });

    await sut.probeDue('background');
    const beforeHealth = [...prober.calls];
    const report = await sut.report();

    expect(beforeHealth).toEqual([]);
    expect(report.background_health_checks).toBe(false);
    expect(report.healthy_count).toBe(4);
  });

  it('marks a router degraded when one tier has no healthy model left', async () => {
    const prober = new FakeProber({ 'strong-1': down('down') });
    const sut = new DeploymentHealth(configurationWith('  health_check_interval: 60'), prober, {});

    await sut.probeDue('background');
    const report = await sut.report();

    expect(report.routers[0].status).toBe('degraded');
  });
});
