import { createConnection } from 'node:net';
import { randomBytes } from 'node:crypto';

/**
 * Where the integration and e2e tests find Postgres, Redis and NATS: the environment
 * (`DATABASE_URL`, `REDIS_URL`, `NATS_URL`) or the standard local ports. When one does not answer
 * and a Docker engine does, the global setup starts it with testcontainers; otherwise the run stops
 * with a message naming the service and how to start it.
 */
export interface Infrastructure {
  /** admin connection URL (a database that exists; tests create their own). */
  postgresUrl: string;
  redisUrl: string;
  natsUrl: string;
}

export const INFRASTRUCTURE_FILE_ENV = 'SWITCHYARD_TEST_INFRASTRUCTURE';

export function configuredInfrastructure(environment = process.env): Infrastructure {
  return {
    postgresUrl:
      environment.TEST_DATABASE_URL ??
      environment.DATABASE_URL ??
      'postgres://postgres@127.0.0.1:5432/postgres',
    redisUrl: environment.REDIS_URL ?? 'redis://127.0.0.1:6379',
    natsUrl: environment.NATS_URL ?? 'nats://127.0.0.1:4222',
  };
}

/** The infrastructure chosen by the global setup (it exports it through the environment). */
export function testInfrastructure(): Infrastructure {
  const chosen = process.env[INFRASTRUCTURE_FILE_ENV];
  return chosen ? (JSON.parse(chosen) as Infrastructure) : configuredInfrastructure();
}

export function hostPort(url: string, defaultPort: number): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname || '127.0.0.1', port: parsed.port ? Number(parsed.port) : defaultPort };
}

export function answers(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** A short random suffix for per-test database names, Redis prefixes and stream names. */
export function uniqueSuffix(): string {
  return randomBytes(5).toString('hex');
}
