#!/usr/bin/env node
// `npm start` and the `switchyard` bin: the whole gateway as ONE Node process (ingress, classifier,
// the dispatchers of every provider the config uses, and the ledger; docs/one-process.md) against
// the Postgres, Redis and NATS in the environment (default: the standard local ports), ingress on
// :4000, config/demo.yaml unless GATEWAY_CONFIG says otherwise. With the demo config the mock
// provider (the demo's upstream, not part of the gateway) runs beside it as a child process
// (SWITCHYARD_MOCK=false: not). Builds dist/ first when it is missing. Ctrl-C stops it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const main = join(root, 'dist/apps/switchyard/src/main.js');
if (!existsSync(main)) {
  const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const env = process.env;
const mockPort = Number(env.MOCK_PROVIDER_PORT ?? 4010);
const configPath = resolve(root, env.GATEWAY_CONFIG ?? 'config/demo.yaml');
const defaults = {
  GATEWAY_CONFIG: configPath,
  PORT: env.PORT ?? '4000',
  // loopback by default, as `npm run fleet`: the demo key is refused on any wider address
  HOST: env.HOST ?? '127.0.0.1',
  NATS_URL: env.NATS_URL ?? 'nats://127.0.0.1:4222',
  DATABASE_URL: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/switchyard',
  REDIS_URL:
    env.REDIS_URL ??
    `redis://${env.REDIS_PASSWORD ? `:${encodeURIComponent(env.REDIS_PASSWORD)}@` : ''}${env.REDIS_HOST ?? '127.0.0.1'}:${env.REDIS_PORT ?? 6379}`,
  LITELLM_MASTER_KEY: env.LITELLM_MASTER_KEY || 'sk-local-master-key',
  LITELLM_SALT_KEY: env.LITELLM_SALT_KEY ?? 'switchyard-development-salt-change-me',
  MOCK_PROVIDER_URL: env.MOCK_PROVIDER_URL ?? `http://127.0.0.1:${mockPort}`,
};
Object.assign(env, defaults);

const withMock = env.SWITCHYARD_MOCK !== 'false' && configPath === resolve(root, 'config/demo.yaml');
if (withMock) {
  const { Fleet } = require(join(root, 'dist/libs/fleet/src'));
  const mock = new Fleet({ root, onLine: (line) => process.stdout.write(`${line}\n`) });
  await mock.startService({
    name: 'mock-provider',
    app: 'mock-provider',
    environment: { PORT: String(mockPort), HOST: '127.0.0.1', LOG_LEVEL: env.LOG_LEVEL ?? 'info' },
    readyUrl: `http://127.0.0.1:${mockPort}/__mock/health`,
  });
  const pid = mock.pid('mock-provider');
  // the gateway exits through process.exit after its orderly stop; the mock goes with it
  process.on('exit', () => {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  });
}

console.log(
  `Switchyard (one process) on http://127.0.0.1:${defaults.PORT}/v1, config ${configPath}, master key ${defaults.LITELLM_MASTER_KEY === 'sk-local-master-key' ? 'sk-local-master-key' : 'from LITELLM_MASTER_KEY'}. Ctrl-C stops it.`,
);
require(main);
