// `npm run fleet`: the whole gateway as local processes against the Postgres, Redis and NATS in
// the environment (default: the standard local ports), ingress on :4000, config/demo.yaml unless
// GATEWAY_CONFIG says otherwise. Logs are prefixed with the service name; Ctrl-C stops everything.
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { Fleet, planFleet } = require(join(root, 'dist/libs/fleet/src'));

const env = process.env;
const ingressPort = Number(env.PORT ?? 4000);
const mockPort = Number(env.MOCK_PROVIDER_PORT ?? 4010);
const environment = {
  NATS_URL: env.NATS_URL ?? 'nats://127.0.0.1:4222',
  DATABASE_URL: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/switchyard',
  REDIS_URL:
    env.REDIS_URL ??
    `redis://${env.REDIS_PASSWORD ? `:${encodeURIComponent(env.REDIS_PASSWORD)}@` : ''}${env.REDIS_HOST ?? '127.0.0.1'}:${env.REDIS_PORT ?? 6379}`,
  LITELLM_MASTER_KEY: env.LITELLM_MASTER_KEY || 'sk-local-master-key',
  LITELLM_SALT_KEY: env.LITELLM_SALT_KEY ?? 'switchyard-development-salt-change-me',
  MOCK_PROVIDER_URL: env.MOCK_PROVIDER_URL ?? `http://127.0.0.1:${mockPort}`,
  LOG_LEVEL: env.LOG_LEVEL ?? 'info',
};
const configPath = resolve(root, env.GATEWAY_CONFIG ?? 'config/demo.yaml');
const colors = [36, 33, 35, 32, 34, 31, 96, 93, 95, 92];
const colorOf = new Map();
const fleet = new Fleet({
  root,
  onLine: (line, service) => {
    if (!colorOf.has(service)) colorOf.set(service, colors[colorOf.size % colors.length]);
    process.stdout.write(`\x1b[${colorOf.get(service)}m${line}\x1b[0m\n`);
  },
});

let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping the fleet…');
  await fleet.stop();
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

try {
  const specs = await planFleet({
    configPath,
    providersPath: env.GATEWAY_PROVIDERS || undefined,
    environment,
    ingressPort,
    mockPort,
    withMock: env.FLEET_MOCK !== 'false',
    metricsPorts: 'fixed',
  });
  await fleet.start(specs);
  console.log(
    `\nSwitchyard is up: http://127.0.0.1:${ingressPort}/v1 (config ${configPath}, master key ${environment.LITELLM_MASTER_KEY === 'sk-local-master-key' ? 'sk-local-master-key' : 'from LITELLM_MASTER_KEY'}). Ctrl-C stops it.`,
  );
} catch (error) {
  console.error(`the fleet did not start: ${error.message}`);
  await stop(1);
}
