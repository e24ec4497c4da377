import type { Deployment, GatewayConfiguration } from '@switchyard/config';
import { type Tier, TIERS } from '@switchyard/contracts';
import type { HealthSettings } from './health-settings';

/** The last probe of one deployment. */
export interface ProbeRecord {
  status: 'healthy' | 'unhealthy';
  checkedAt: Date;
  latencyMs: number | null;
  /** what the dispatcher called, e.g. `GET /v1/models/gpt-5.4`. */
  probe: string | null;
  error: { message: string; code: string | null; status: number } | null;
}

export type EndpointStatus = 'healthy' | 'unhealthy' | 'pending' | 'skipped';

/** One deployment in `/health`, in LiteLLM's endpoint shape plus when and how it was checked. */
export interface EndpointHealth {
  model_name: string;
  /** `litellm_params.model` as written, e.g. `openai/gpt-5.5` (LiteLLM's `model` field). */
  model: string;
  deployment_id: string;
  provider: string;
  status: EndpointStatus;
  checked_at: string | null;
  latency_ms: number | null;
  probe: string | null;
  /** why it is unhealthy (the provider's or the gateway's message), or why it is skipped. */
  error: string | null;
  error_code: string | null;
  error_status: number | null;
}

export type ModelStatus = 'healthy' | 'unhealthy' | 'unknown';
export type RouterStatus = 'healthy' | 'degraded' | 'unhealthy' | 'unknown';

export interface TierHealth {
  tier: Tier;
  /** healthy when at least one model of the tier is. */
  status: ModelStatus;
  models: { model_name: string; status: ModelStatus }[];
}

/**
 * A router is never probed (it is not an upstream): its health is derived from its tiers. Healthy
 * when every configured tier has a healthy model, degraded when some tier has none, unhealthy when
 * no tier has one, unknown while tier models are not checked yet.
 */
export interface RouterHealth {
  model_name: string;
  status: RouterStatus;
  tiers: TierHealth[];
}

export interface HealthReport {
  healthy_endpoints: EndpointHealth[];
  unhealthy_endpoints: EndpointHealth[];
  healthy_count: number;
  unhealthy_count: number;
  /** not checked yet (the first round runs a few seconds after start). */
  pending_endpoints: EndpointHealth[];
  /** never checked: `disable_background_health_check` with `health_check_skip_disabled_background_models`. */
  skipped_endpoints: EndpointHealth[];
  routers: RouterHealth[];
  background_health_checks: boolean;
  health_check_interval: number;
  /** the most recent probe of any deployment. */
  last_checked_at: string | null;
}

const SKIPPED_REASON =
  'not checked: model_info.disable_background_health_check is set and general_settings.health_check_skip_disabled_background_models is true';

/** Builds `/health` from the config and the cached probe results; no I/O. */
export function buildHealthReport(
  configuration: GatewayConfiguration,
  settings: HealthSettings,
  records: ReadonlyMap<string, ProbeRecord>,
): HealthReport {
  const endpoints = configuration.deployments.map((deployment) =>
    endpointOf(deployment, settings, records.get(deployment.id)),
  );
  const byStatus = (status: EndpointStatus) => endpoints.filter((endpoint) => endpoint.status === status);
  const healthy = byStatus('healthy');
  const unhealthy = byStatus('unhealthy');
  const statusOfModel = (name: string): ModelStatus => modelStatus(configuration, endpoints, name);
  const lastChecked = [...records.values()].reduce<Date | null>(
    (latest, record) => (latest === null || record.checkedAt > latest ? record.checkedAt : latest),
    null,
  );
  return {
    healthy_endpoints: healthy,
    unhealthy_endpoints: unhealthy,
    healthy_count: healthy.length,
    unhealthy_count: unhealthy.length,
    pending_endpoints: byStatus('pending'),
    skipped_endpoints: byStatus('skipped'),
    routers: configuration.routers.map((router) => {
      const tiers = TIERS.flatMap((tier): TierHealth[] => {
        const pool = router.config.tiers[tier];
        if (pool === undefined) return [];
        const models = (typeof pool === 'string' ? [pool] : pool).map((name) => ({
          model_name: name,
          status: statusOfModel(name),
        }));
        return [{ tier, status: anyHealthy(models.map((model) => model.status)), models }];
      });
      return { model_name: router.name, status: routerStatus(tiers), tiers };
    }),
    background_health_checks: settings.background,
    health_check_interval: settings.intervalMs / 1000,
    last_checked_at: lastChecked?.toISOString() ?? null,
  };
}

function endpointOf(
  deployment: Deployment,
  settings: HealthSettings,
  record: ProbeRecord | undefined,
): EndpointHealth {
  const base = {
    model_name: deployment.modelName,
    model: deployment.litellmModel,
    deployment_id: deployment.id,
    provider: deployment.provider.name,
  };
  if (record) {
    return {
      ...base,
      status: record.status,
      checked_at: record.checkedAt.toISOString(),
      latency_ms: record.latencyMs,
      probe: record.probe,
      error: record.error?.message ?? null,
      error_code: record.error?.code ?? null,
      error_status: record.error?.status ?? null,
    };
  }
  const skipped = settings.scheduleOf(deployment) === 'skipped';
  return {
    ...base,
    status: skipped ? 'skipped' : 'pending',
    checked_at: null,
    latency_ms: null,
    probe: null,
    error: skipped ? SKIPPED_REASON : null,
    error_code: null,
    error_status: null,
  };
}

/** A model name is healthy when one of its deployments is (they are load-balanced). */
function modelStatus(
  configuration: GatewayConfiguration,
  endpoints: readonly EndpointHealth[],
  name: string,
): ModelStatus {
  const ids = new Set(configuration.deploymentsFor(name).map((deployment) => deployment.id));
  const statuses = endpoints
    .filter((endpoint) => ids.has(endpoint.deployment_id))
    .map((endpoint): ModelStatus => {
      if (endpoint.status === 'healthy' || endpoint.status === 'unhealthy') return endpoint.status;
      return 'unknown';
    });
  return anyHealthy(statuses);
}

function anyHealthy(statuses: readonly ModelStatus[]): ModelStatus {
  if (statuses.includes('healthy')) return 'healthy';
  if (statuses.length === 0 || statuses.includes('unknown')) return 'unknown';
  return 'unhealthy';
}

function routerStatus(tiers: readonly TierHealth[]): RouterStatus {
  const statuses = tiers.map((tier) => tier.status);
  const unhealthy = statuses.filter((status) => status === 'unhealthy').length;
  if (unhealthy > 0) return unhealthy === statuses.length ? 'unhealthy' : 'degraded';
  if (statuses.includes('unknown')) return 'unknown';
  return 'healthy';
}
