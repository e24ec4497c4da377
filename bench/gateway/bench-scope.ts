import { join } from 'node:path';
import { Client } from 'pg';
import { processEnvironment } from '@switchyard/config';
import { planFleet, type ServiceSpec } from '@switchyard/fleet';
import { deleteNamespaceStreams } from '@switchyard/testing';

export const ROOT = join(__dirname, '../../..');
export const MASTER_KEY = 'sk-bench-master-key';

/**
 * One bench run's own bus namespace, Redis prefix and database (the ledger creates it), the
 * environment its gateways start with, and their removal afterwards.
 */
export interface BenchScope {
  environment: Record<string, string>;
  remove(): Promise<void>;
}

export function benchScope(label: string, mockPort: number, upstreamLatencyMs: number): BenchScope {
  const environment = processEnvironment();
  const suffix = Math.random().toString(16).slice(2, 10);
  const adminUrl = environment.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const database = `switchyard_${label}_${suffix}`;
  const natsUrl = environment.NATS_URL ?? 'nats://127.0.0.1:4222';
  const namespace = `${label}${suffix}.`;
  return {
    environment: {
      NATS_URL: natsUrl,
      REDIS_URL: environment.REDIS_URL ?? 'redis://127.0.0.1:6379',
      DATABASE_URL: Object.assign(new URL(adminUrl), { pathname: `/${database}` }).toString(),
      BUS_NAMESPACE: namespace,
      REDIS_KEY_PREFIX: `switchyard-${label}-${suffix}:`,
      LITELLM_MASTER_KEY: MASTER_KEY,
      MOCK_PROVIDER_URL: `http://127.0.0.1:${mockPort}`,
      MOCK_LATENCY_MS: String(upstreamLatencyMs),
      LOG_LEVEL: 'warn',
      BACKGROUND_HEALTH_CHECKS: 'false',
    },
    async remove() {
      await deleteNamespaceStreams(natsUrl, namespace);
      const client = new Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).catch(() => undefined);
      await client.end();
    },
  };
}

/**
 * The demo config's fleet (with the mock) and, beside it on the same namespace and database (its
 * ledger shares the durable consumer, so usage rows count both gateways' requests), the
 * one-process gateway.
 */
export async function planGateways(
  environment: Record<string, string>,
  ports: { ingressPort: number; oneProcessPort: number; mockPort: number },
): Promise<{ fleet: ServiceSpec[]; oneProcess: ServiceSpec[] }> {
  const configPath = join(ROOT, 'config/demo.yaml');
  const fleet = await planFleet({
    configPath,
    environment,
    ingressPort: ports.ingressPort,
    mockPort: ports.mockPort,
  });
  const oneProcess = (
    await planFleet({
      configPath,
      environment,
      ingressPort: ports.oneProcessPort,
      mockPort: ports.mockPort,
      withMock: false,
      mode: 'one-process',
    })
  ).map((spec) => ({ ...spec, name: 'one-process' }));
  return { fleet, oneProcess };
}
