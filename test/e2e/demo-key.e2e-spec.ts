import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { processEnvironment } from '@switchyard/config';
import { freePort } from '@switchyard/fleet';
import { REPO_ROOT, testInfrastructure, uniqueSuffix } from '@switchyard/testing';

interface Outcome {
  /** the exit code, or `listening` once the ingress answered its liveness probe. */
  result: number | 'listening';
  output: string;
}

/** Starts the built ingress with the demo master key; settles when it exits or starts listening. */
async function startIngress(environment: Record<string, string>): Promise<Outcome> {
  const port = await freePort();
  const infrastructure = testInfrastructure();
  const child = spawn(process.execPath, [join(REPO_ROOT, 'dist/apps/ingress/src/main.js')], {
    cwd: REPO_ROOT,
    env: {
      ...processEnvironment(),
      NATS_URL: infrastructure.natsUrl,
      REDIS_URL: infrastructure.redisUrl,
      BUS_NAMESPACE: `t${uniqueSuffix()}.`,
      REDIS_KEY_PREFIX: `switchyard-test-${uniqueSuffix()}:`,
      LITELLM_MASTER_KEY: 'sk-local-master-key',
      LITELLM_SALT_KEY: 'test-salt',
      PORT: String(port),
      ...environment,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (data: Buffer) => (output += data.toString('utf8')));
  child.stderr.on('data', (data: Buffer) => (output += data.toString('utf8')));
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      exitCode = code;
      resolve();
    }),
  );
  const probeHost = environment.HOST === '0.0.0.0' ? '127.0.0.1' : (environment.HOST ?? '127.0.0.1');
  try {
    for (;;) {
      if (exitCode !== undefined) return { result: exitCode ?? -1, output };
      try {
        const response = await fetch(`http://${probeHost}:${port}/health/liveness`);
        if (response.ok) return { result: 'listening', output };
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
  } finally {
    if (exitCode === undefined) {
      child.kill('SIGTERM');
      await exited;
    }
  }
}

describe('the demo master key', () => {
  it('is refused with a config that calls real providers, with a message that says how to make a key', async () => {
    const outcome = await startIngress({ GATEWAY_CONFIG: 'config/litellm_config.yaml', HOST: '127.0.0.1' });

    expect(outcome.result).toBe(1);
    expect(outcome.output).toContain('calls real providers');
    expect(outcome.output).toContain('openssl rand -hex 32');
  });

  it('is refused on an address beyond loopback, even with the demo config', async () => {
    const outcome = await startIngress({ GATEWAY_CONFIG: 'config/demo.yaml', HOST: '0.0.0.0' });

    expect(outcome.result).toBe(1);
    expect(outcome.output).toContain('openssl rand -hex 32');
  });

  it('starts with the demo config on loopback, as npm run fleet and compose (published on 127.0.0.1) run it', async () => {
    const fleetLike = await startIngress({ GATEWAY_CONFIG: 'config/demo.yaml', HOST: '127.0.0.1' });
    const composeLike = await startIngress({
      GATEWAY_CONFIG: 'config/demo.yaml',
      HOST: '0.0.0.0',
      INGRESS_PUBLISHED_ADDRESS: '127.0.0.1',
    });

    expect(fleetLike.result).toBe('listening');
    expect(composeLike.result).toBe('listening');
  });
});
