import { join } from 'node:path';
import { Fleet, freePort, planFleet, type ServiceSpec } from '@switchyard/fleet';
import { testInfrastructure, uniqueSuffix } from './infrastructure';
import { TestDatabase } from './test-database';

export const REPO_ROOT = join(__dirname, '../../..');
export const TEST_MASTER_KEY = 'sk-test-master-key-0123456789';

export interface TestFleetOptions {
  configPath?: string;
  providersPath?: string;
  environment?: Record<string, string>;
  extraDispatchers?: Record<string, number>;
  /** only these services (by name); default all. */
  only?: (spec: ServiceSpec) => boolean;
}

/**
 * A whole fleet for one test file: its own bus namespace, database and Redis prefix, free ports,
 * services started from `dist/` (the test command builds first). Logs are kept for assertions.
 */
export class TestFleet {
  readonly logs: string[] = [];
  readonly fleet: Fleet;
  baseUrl = '';
  mockUrl = '';
  specs: ServiceSpec[] = [];

  private constructor(
    readonly namespace: string,
    readonly database: TestDatabase,
    readonly redisPrefix: string,
  ) {
    this.fleet = new Fleet({ root: REPO_ROOT, onLine: (line) => this.logs.push(line) });
  }

  static async start(options: TestFleetOptions = {}): Promise<TestFleet> {
    const suffix = uniqueSuffix();
    const testFleet = new TestFleet(`t${suffix}.`, TestDatabase.plan(), `switchyard-test-${suffix}:`);
    const infrastructure = testInfrastructure();
    const [ingressPort, mockPort] = [await freePort(), await freePort()];
    testFleet.baseUrl = `http://127.0.0.1:${ingressPort}`;
    testFleet.mockUrl = `http://127.0.0.1:${mockPort}`;
    testFleet.specs = await planFleet({
      configPath: options.configPath ?? join(REPO_ROOT, 'config/demo.yaml'),
      providersPath: options.providersPath,
      environment: {
        NATS_URL: infrastructure.natsUrl,
        REDIS_URL: infrastructure.redisUrl,
        DATABASE_URL: testFleet.database.url,
        BUS_NAMESPACE: testFleet.namespace,
        REDIS_KEY_PREFIX: testFleet.redisPrefix,
        LITELLM_MASTER_KEY: TEST_MASTER_KEY,
        LITELLM_SALT_KEY: `test-salt-${suffix}`,
        MOCK_PROVIDER_URL: testFleet.mockUrl,
        LOG_LEVEL: 'info',
        ...options.environment,
      },
      ingressPort,
      mockPort,
      extraDispatchers: options.extraDispatchers,
    });
    const specs = options.only ? testFleet.specs.filter(options.only) : testFleet.specs;
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

  async stop(): Promise<void> {
    await this.fleet.stop();
    await this.database.drop().catch(() => undefined);
  }
}
