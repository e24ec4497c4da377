import { existsSync } from 'node:fs';
import {
  answers,
  configuredInfrastructure,
  hostPort,
  INFRASTRUCTURE_FILE_ENV,
  type Infrastructure,
} from './infrastructure';

const HOW_TO_START: Record<string, string> = {
  PostgreSQL: 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
  Redis:
    'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log',
  NATS: 'start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log',
};

function dockerEngineAvailable(): boolean {
  return existsSync('/var/run/docker.sock') || Boolean(process.env.DOCKER_HOST);
}

/**
 * Jest global setup for the integration and e2e projects: use the services that answer; start
 * missing ones with testcontainers when a Docker engine is present; otherwise stop with a message
 * naming each missing service and the command that starts it.
 */
export default async function globalSetup(): Promise<void> {
  const infrastructure: Infrastructure = configuredInfrastructure();
  const services = [
    { name: 'PostgreSQL', key: 'postgresUrl' as const, ...hostPort(infrastructure.postgresUrl, 5432) },
    { name: 'Redis', key: 'redisUrl' as const, ...hostPort(infrastructure.redisUrl, 6379) },
    { name: 'NATS', key: 'natsUrl' as const, ...hostPort(infrastructure.natsUrl, 4222) },
  ];
  const missing = [];
  for (const service of services) {
    if (!(await answers(service.host, service.port))) missing.push(service);
  }
  if (missing.length > 0 && dockerEngineAvailable()) {
    const { startContainers } = await import('./containers');
    Object.assign(infrastructure, await startContainers(missing.map((service) => service.key)));
  } else if (missing.length > 0) {
    throw new Error(
      `The integration tests need ${missing.map((service) => service.name).join(', ')}, and nothing answers at ${missing
        .map((service) => `${service.host}:${service.port}`)
        .join(
          ', ',
        )} (and no Docker engine is available for testcontainers). Start ${missing.length === 1 ? 'it' : 'them'} with:\n${missing
        .map((service) => `  ${HOW_TO_START[service.name]}`)
        .join('\n')}\nor point DATABASE_URL / REDIS_URL / NATS_URL at running servers.`,
    );
  }
  // usage streams left by killed runs hold reservations in the shared JetStream store
  const { deleteStaleTestStreams } = await import('./test-streams');
  await deleteStaleTestStreams(infrastructure.natsUrl, 10 * 60 * 1000).catch((error: unknown) => {
    console.warn(`could not delete stale test streams: ${(error as Error).message}`);
  });
  process.env[INFRASTRUCTURE_FILE_ENV] = JSON.stringify(infrastructure);
}
