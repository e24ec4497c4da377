import { useQuery } from '@tanstack/react-query';
import { type EndpointHealth } from '../api';
import { Panel, QueryState } from '../components';
import { useConsole } from '../console-context';

const perMillion = (value: number | null | undefined) =>
  value === null || value === undefined ? '—' : `$${(value * 1_000_000).toFixed(2)}`;
const ms = (value: number | null | undefined) =>
  value === null || value === undefined ? '—' : `${Math.round(value)} ms`;

export function ModelsPage() {
  const { api, identity } = useConsole();
  const master = identity.role === 'master';
  const models = useQuery({ queryKey: ['model-info'], queryFn: () => api.modelInfo() });
  const health = useQuery({
    queryKey: ['health'],
    queryFn: () => api.health(),
    enabled: master,
    refetchInterval: 30_000,
  });
  const latency = useQuery({
    queryKey: ['latency'],
    queryFn: () => api.latency(60),
    enabled: master,
    refetchInterval: 30_000,
  });
  const endpoints = new Map<string, EndpointHealth>();
  for (const list of [
    health.data?.healthy_endpoints,
    health.data?.unhealthy_endpoints,
    health.data?.pending_endpoints,
    health.data?.skipped_endpoints,
  ]) {
    for (const endpoint of list ?? []) endpoints.set(endpoint.deployment_id, endpoint);
  }
  const cooldowns = new Map(
    (latency.data?.cooldowns ?? []).map((entry) => [entry.deployment_id, entry.until]),
  );
  const latencies = new Map((latency.data?.deployments ?? []).map((entry) => [entry.deployment_id, entry]));
  const deployments = (models.data?.data ?? []).filter((entry) => !entry.model_info.router);
  return (
    <div className="stack">
      <QueryState error={models.error ?? health.error} loading={models.isLoading} />
      {master && health.data && (
        <Panel title="Routers">
          <ul className="routers">
            {health.data.routers.map((router) => (
              <li key={router.model_name}>
                <strong>{router.model_name}</strong>{' '}
                <span className={`status status-${router.status}`}>{router.status}</span>
                <div className="muted">
                  {router.tiers
                    .map(
                      (tier) =>
                        `${tier.tier}: ${tier.models.map((model) => model.model_name).join(', ')} (${tier.status})`,
                    )
                    .join(' · ')}
                </div>
              </li>
            ))}
          </ul>
        </Panel>
      )}
      <Panel title="Deployments">
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col">Provider</th>
                <th scope="col" className="number">
                  Input / output per 1M
                </th>
                <th scope="col" className="number">
                  Cache read / write per 1M
                </th>
                <th scope="col" className="number">
                  Context
                </th>
                {master && <th scope="col">Health</th>}
                {master && (
                  <th scope="col" className="number">
                    p50 / p99 (1 h)
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {deployments.map((entry) => {
                const id = entry.model_info.id ?? '';
                const endpoint = endpoints.get(id);
                const measured = latencies.get(id);
                return (
                  <tr key={id || entry.model_name} data-model={entry.model_name}>
                    <td>
                      {entry.model_name}
                      <div className="muted mono">{entry.model_info.provider_model}</div>
                    </td>
                    <td>{entry.model_info.litellm_provider}</td>
                    <td className="number">
                      {perMillion(entry.model_info.input_cost_per_token)} /{' '}
                      {perMillion(entry.model_info.output_cost_per_token)}
                    </td>
                    <td className="number">
                      {perMillion(entry.model_info.cache_read_input_token_cost)} /{' '}
                      {perMillion(entry.model_info.cache_creation_input_token_cost)}
                    </td>
                    <td className="number">
                      {entry.model_info.max_input_tokens?.toLocaleString('en-US') ?? '—'}
                    </td>
                    {master && (
                      <td>
                        <span className={`status status-${endpoint?.status ?? 'pending'}`}>
                          {endpoint?.status ?? 'pending'}
                        </span>
                        {endpoint?.latency_ms !== null && endpoint?.latency_ms !== undefined && (
                          <div className="muted">probe {ms(endpoint.latency_ms)}</div>
                        )}
                        {endpoint?.error && <div className="muted">{endpoint.error}</div>}
                        {cooldowns.has(id) && (
                          <div className="status status-degraded" data-testid="cooldown">
                            cooling down until {cooldowns.get(id)!.slice(11, 19)} UTC
                          </div>
                        )}
                      </td>
                    )}
                    {master && (
                      <td className="number" data-testid="latency">
                        {measured ? `${ms(measured.latency_p50_ms)} / ${ms(measured.latency_p99_ms)}` : '—'}
                        {measured && <div className="muted">{measured.requests} calls</div>}
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </Panel>
    </div>
  );
}
