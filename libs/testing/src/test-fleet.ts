import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Fleet, freePort, planFleet, releasePort, type ServiceSpec } from '@switchyard/fleet';
import { hostPort, testInfrastructure, uniqueSuffix } from './infrastructure';
import { TcpProxy } from './tcp-proxy';
import { TestDatabase } from './test-database';
import { deleteNamespaceStreams, TEST_USAGE_STREAM_ENVIRONMENT } from './test-streams';

export const REPO_ROOT = join(__dirname, '../../..');
export const TEST_MASTER_KEY = 'sk-test-master-key-0123456789';

/** How the gateway runs in a test: one process per service, or the one-process mode (`apps/switchyard`). */
export type GatewayMode = 'fleet' | 'one-process';

/**
 * The mode of the e2e suite: `SWITCHYARD_E2E_MODE=one-process` (`npm run test:e2e:one-process`)
 * runs every spec that does not choose a mode against the one-process gateway; default the fleet.
 */
export function e2eMode(): GatewayMode {
  const mode = process.env.SWITCHYARD_E2E_MODE ?? 'fleet';
  if (mode !== 'fleet' && mode !== 'one-process') {
    throw new Error(`SWITCHYARD_E2E_MODE must be "fleet" or "one-process", not "${mode}"`);
  }
  return mode;
}

export interface TestFleetOptions {
  /**
   * `fleet` or `one-process`; default `e2eMode()`. A spec about separate processes (killing or
   * stopping one service, dispatcher replicas, a subset of services) says `fleet` here, and the
   * harness refuses those options in the one-process mode rather than run something else.
   */
  mode?: GatewayMode;
  /** the one-process mode's providers left to dispatcher processes (the mixed mode). */
  remoteProviders?: string[];
  configPath?: string;
  providersPath?: string;
  environment?: Record<string, string>;
  extraDispatchers?: Record<string, number>;
  /**
   * only these services (by name); default all. In the one-process mode the `switchyard` process
   * (every module) always starts: the filter applies to the mock provider and remote dispatchers.
   */
  only?: (spec: ServiceSpec) => boolean;
  /** more ingress replicas (`ingress-2`, …), each on its own port (`ingressUrls`). */
  extraIngress?: number;
  /** the services reach Postgres through a `TcpProxy` (`databaseProxy`) the test can cut. */
  proxyDatabase?: boolean;
}

/**
 * A whole fleet for one test file: its own bus namespace, database and Redis prefix, free ports,
 * services started from `dist/` (the test command builds first). Logs are kept for assertions.
 */
export class TestFleet {
  readonly logs: string[] = [];
  readonly fleet: Fleet;
  /** how this gateway runs: one process per service, or one process. */
  mode: GatewayMode = 'fleet';
  baseUrl = '';
  mockUrl = '';
  specs: ServiceSpec[] = [];
  /** the base URL of every ingress replica, `baseUrl` first. */
  ingressUrls: string[] = [];
  /** with `proxyDatabase`: the proxy between the services and Postgres. */
  databaseProxy: TcpProxy | null = null;

  private constructor(
    readonly namespace: string,
    readonly database: TestDatabase,
    readonly redisPrefix: string,
    readyTimeoutMs?: number,
  ) {
    this.fleet = new Fleet({ root: REPO_ROOT, onLine: (line) => this.logs.push(line), readyTimeoutMs });
  }

  static async start(options: TestFleetOptions = {}): Promise<TestFleet> {
    const mode = options.mode ?? e2eMode();
    if (mode === 'one-process') {
      if (options.extraDispatchers !== undefined) {
        throw new Error(
          "extraDispatchers needs one process per dispatcher; a spec about replicas runs with mode: 'fleet'",
        );
      }
    }
    const suffix = uniqueSuffix();
    // the one-process gateway starts every module before it listens: on a busy machine that takes
    // longer than one service does
    const testFleet = new TestFleet(
      `t${suffix}.`,
      TestDatabase.plan(),
      `switchyard-test-${suffix}:`,
      mode === 'one-process' ? 90_000 : undefined,
    );
    testFleet.mode = mode;
    const infrastructure = testInfrastructure();
    const [ingressPort, mockPort] = [await freePort(), await freePort()];
    testFleet.baseUrl = `http://127.0.0.1:${ingressPort}`;
    testFleet.mockUrl = `http://127.0.0.1:${mockPort}`;
    if (options.proxyDatabase) {
      testFleet.databaseProxy = await TcpProxy.start(hostPort(testFleet.database.url, 5432));
    }
    testFleet.specs = await planFleet({
      configPath: options.configPath ?? join(REPO_ROOT, 'config/demo.yaml'),
      providersPath: options.providersPath,
      environment: {
        NATS_URL: infrastructure.natsUrl,
        REDIS_URL: infrastructure.redisUrl,
        DATABASE_URL: testFleet.databaseProxy?.proxiedUrl(testFleet.database.url) ?? testFleet.database.url,
        BUS_NAMESPACE: testFleet.namespace,
        REDIS_KEY_PREFIX: testFleet.redisPrefix,
        LITELLM_MASTER_KEY: TEST_MASTER_KEY,
        LITELLM_SALT_KEY: `test-salt-${suffix}`,
        MOCK_PROVIDER_URL: testFleet.mockUrl,
        LOG_LEVEL: 'info',
        // background health probes would add model lookups to the mock's request log at times no
        // test controls; a test of health checks turns them on
        BACKGROUND_HEALTH_CHECKS: 'false',
        ...TEST_USAGE_STREAM_ENVIRONMENT,
        ...options.environment,
      },
      ingressPort,
      mockPort,
      extraDispatchers: options.extraDispatchers,
      mode,
      remoteProviders: options.remoteProviders,
    });
    testFleet.ingressUrls = [testFleet.baseUrl];
    // more gateways: ingress replicas, or in the one-process mode more whole processes
    const ingress = testFleet.specs.findIndex((spec) => spec.app === 'ingress' || spec.app === 'switchyard');
    for (let replica = 2; ingress >= 0 && replica <= 1 + (options.extraIngress ?? 0); replica += 1) {
      const port = await freePort();
      const spec = testFleet.specs[ingress];
      testFleet.specs.push({
        ...spec,
        name: `ingress-${replica}`,
        environment: { ...spec.environment, PORT: String(port) },
        readyUrl: `http://127.0.0.1:${port}/health/liveness`,
      });
      testFleet.ingressUrls.push(`http://127.0.0.1:${port}`);
    }
    const only = options.only;
    const specs = only
      ? testFleet.specs.filter((spec) => spec.app === 'switchyard' || only(spec))
      : testFleet.specs;
    try {
      await testFleet.fleet.start(specs);
    } catch (error) {
      await testFleet.stop();
      throw new Error(`${(error as Error).message}\n${testFleet.logs.slice(-40).join('\n')}`, {
        cause: error,
      });
    }
    return testFleet;
  }

  spec(name: string): ServiceSpec {
    const spec = this.specs.find((item) => item.name === name);
    if (!spec) throw new Error(`no service ${name} in this fleet`);
    return spec;
  }

  /**
   * Where each running service serves Prometheus metrics: the ingress (or the one-process gateway,
   * which shows every module's) on its HTTP port, workers on their `METRICS_PORT` (the mock
   * provider has none).
   */
  metricsEndpoints(): { service: string; url: string }[] {
    return this.specs.flatMap((spec) => {
      if (spec.app === 'ingress' || spec.app === 'switchyard') {
        return [{ service: spec.name, url: `http://127.0.0.1:${spec.environment.PORT}/metrics` }];
      }
      const port = spec.environment.METRICS_PORT;
      return port ? [{ service: spec.name, url: `http://127.0.0.1:${port}/metrics` }] : [];
    });
  }

  /**
   * The usage rows of one call (`request_id`), oldest first, as soon as at least `count` are
   * written; after `timeoutMs` whatever is there (a deadline for the ledger to catch up, never a
   * timing assertion: the caller asserts on the rows).
   */
  async usageRowsOf<Row>(requestId: string, count = 1, timeoutMs = 5000): Promise<Row[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rows = await this.database
        .query<Row>('SELECT * FROM usage_events WHERE request_id = $1 ORDER BY started_at', [requestId])
        .catch(() => [] as Row[]);
      if (rows.length >= count || Date.now() > deadline) return rows;
      await sleep(100);
    }
  }

  /** A master-key call to the admin API (`/key/…`, `/spend/…`): the parsed answer, or an error naming the status. */
  async admin<T>(path: string, body?: unknown, baseUrl = this.baseUrl): Promise<T> {
    const response = await fetch(`${baseUrl}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${path}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  }

  async stop(): Promise<void> {
    await this.fleet.stop();
    await this.databaseProxy?.close();
    await this.database.drop().catch(() => undefined);
    const natsUrl = this.specs.find((spec) => spec.environment.NATS_URL)?.environment.NATS_URL;
    if (natsUrl) await deleteNamespaceStreams(natsUrl, this.namespace).catch(() => undefined);
    for (const spec of this.specs) {
      for (const port of [spec.environment.PORT, spec.environment.METRICS_PORT])
        if (port) releasePort(Number(port));
    }
  }
}
