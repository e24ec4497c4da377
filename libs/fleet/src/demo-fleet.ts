import { loadGatewayConfig, processEnvironment } from '@switchyard/config';
import { freePort, portIsFree } from './free-port';
import type { ServiceSpec } from './fleet';

export interface FleetPlanOptions {
  configPath: string;
  providersPath?: string;
  /** shared by every service: NATS_URL, DATABASE_URL, REDIS_URL, BUS_NAMESPACE, … */
  environment: Record<string, string>;
  ingressPort: number;
  mockPort: number;
  /** extra dispatcher replicas per provider (beyond the one each provider gets). */
  extraDispatchers?: Record<string, number>;
  /** start the mock provider (the demo's upstream). */
  withMock?: boolean;
  /** ports for the workers' /metrics; `auto` picks free ones. */
  metricsPorts?: 'auto' | 'fixed';
  nodeOptions?: Partial<Record<string, string[]>>;
  /**
   * `fleet` (default): one process per service. `one-process`: the mock provider, then one
   * `switchyard` process (ingress on `ingressPort`) with a dispatcher process for each of
   * `remoteProviders` only (the mixed mode).
   */
  mode?: 'fleet' | 'one-process';
  /** the one-process mode's providers left to dispatcher processes (`SWITCHYARD_REMOTE_PROVIDERS`). */
  remoteProviders?: string[];
}

/**
 * The services of a complete fleet for a config: mock provider, ledger, classifier, one dispatcher
 * per provider the config uses, then the ingress — in the order they must start. In the
 * one-process mode: the mock provider and one `switchyard` process.
 */
export async function planFleet(options: FleetPlanOptions): Promise<ServiceSpec[]> {
  const configuration = loadGatewayConfig({
    configPath: options.configPath,
    providersPath: options.providersPath,
    environment: { ...processEnvironment(), ...options.environment },
  });
  let nextFixedPort = 9100;
  // fixed ports (9100, 9101, …) are easy to remember; one another process holds is skipped
  const fixedPort = async (): Promise<number> => {
    while (!(await portIsFree(nextFixedPort))) nextFixedPort += 1;
    return nextFixedPort++;
  };
  const metricsPort = async () => (options.metricsPorts === 'fixed' ? fixedPort() : freePort());
  const base: Record<string, string> = { ...options.environment, GATEWAY_CONFIG: options.configPath };
  if (options.providersPath) base.GATEWAY_PROVIDERS = options.providersPath;
  const specs: ServiceSpec[] = [];
  const worker = async (name: string, app: ServiceSpec['app'], extra: Record<string, string> = {}) => {
    const port = await metricsPort();
    specs.push({
      name,
      app,
      environment: { ...base, ...extra, METRICS_PORT: String(port) },
      readyUrl: `http://127.0.0.1:${port}/health/readiness`,
      nodeOptions: options.nodeOptions?.[name],
    });
  };
  if (options.withMock !== false) {
    specs.push({
      name: 'mock-provider',
      app: 'mock-provider',
      environment: { ...base, PORT: String(options.mockPort), HOST: '127.0.0.1' },
      readyUrl: `http://127.0.0.1:${options.mockPort}/__mock/health`,
      nodeOptions: options.nodeOptions?.['mock-provider'],
    });
  }
  if (options.mode === 'one-process') {
    const remote = options.remoteProviders ?? [];
    for (const provider of remote)
      await worker(`dispatcher-${provider}`, 'dispatcher', { PROVIDERS: provider });
    specs.push({
      name: 'switchyard',
      app: 'switchyard',
      environment: {
        ...base,
        PORT: String(options.ingressPort),
        HOST: '127.0.0.1',
        SWITCHYARD_REMOTE_PROVIDERS: remote.join(','),
      },
      readyUrl: `http://127.0.0.1:${options.ingressPort}/health/liveness`,
      nodeOptions: options.nodeOptions?.switchyard,
    });
    return specs;
  }
  await worker('ledger', 'ledger');
  await worker('classifier', 'classifier');
  for (const provider of configuration.providersInUse()) {
    const replicas = 1 + (options.extraDispatchers?.[provider] ?? 0);
    for (let replica = 1; replica <= replicas; replica += 1) {
      await worker(
        replica === 1 ? `dispatcher-${provider}` : `dispatcher-${provider}-${replica}`,
        'dispatcher',
        {
          PROVIDERS: provider,
        },
      );
    }
  }
  specs.push({
    name: 'ingress',
    app: 'ingress',
    environment: { ...base, PORT: String(options.ingressPort), HOST: '127.0.0.1' },
    readyUrl: `http://127.0.0.1:${options.ingressPort}/health/liveness`,
    nodeOptions: options.nodeOptions?.ingress,
  });
  return specs;
}
