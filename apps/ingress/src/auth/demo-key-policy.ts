import { ConfigError, EnvRef, type GatewayConfiguration, type IngressEnvironment } from '@switchyard/config';
import type { MasterKey } from './master-key';

/** The master key of the demo (README, compose and `npm run fleet` defaults): public, so never a real key. */
export const DEMO_MASTER_KEY = 'sk-local-master-key';

const MAKE_A_KEY =
  'make a key with `echo "LITELLM_MASTER_KEY=sk-$(openssl rand -hex 32)" >> .env` (or export it for `npm run fleet`)';

/** 127.0.0.0/8, ::1 and localhost: addresses only this machine reaches. */
export function isLoopback(address: string): boolean {
  const host = address
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  return (
    host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host) || /^::ffff:127\./.test(host)
  );
}

/**
 * The demo configuration: every deployment calls the bundled mock provider
 * (`api_base: os.environ/MOCK_PROVIDER_URL`, as `config/demo.yaml` does), so no provider account
 * stands behind the gateway's keys.
 */
export function isDemoConfiguration(configuration: GatewayConfiguration): boolean {
  return (
    configuration.deployments.length > 0 &&
    configuration.deployments.every(
      (deployment) => deployment.apiBase instanceof EnvRef && deployment.apiBase.name === 'MOCK_PROVIDER_URL',
    )
  );
}

/**
 * Refuses to start with the demo master key where it would guard something: on an address beyond
 * loopback (ever), or with a configuration that reaches real providers (unless
 * `SWITCHYARD_ALLOW_DEMO_KEY=true`). The compose file listens on 0.0.0.0 inside the container and
 * says where the port is published (`INGRESS_PUBLISHED_ADDRESS`), which is what counts then.
 */
export function checkDemoKey(
  masterKey: MasterKey,
  configuration: GatewayConfiguration,
  environment: IngressEnvironment,
): void {
  if (!masterKey.matches(DEMO_MASTER_KEY)) return;
  const reachableAt = environment.INGRESS_PUBLISHED_ADDRESS ?? environment.HOST;
  if (!isLoopback(reachableAt)) {
    throw new ConfigError(
      [
        `LITELLM_MASTER_KEY: the demo key ${DEMO_MASTER_KEY} is public and the ingress would be reachable on ${reachableAt}; ${MAKE_A_KEY}, or publish on 127.0.0.1 (BIND_ADDRESS in .env for compose, HOST otherwise)`,
      ],
      'environment',
    );
  }
  if (!isDemoConfiguration(configuration) && !environment.SWITCHYARD_ALLOW_DEMO_KEY) {
    throw new ConfigError(
      [
        `LITELLM_MASTER_KEY: the demo key ${DEMO_MASTER_KEY} only goes with the demo config (every model on the mock provider), and ${configuration.source} calls real providers; ${MAKE_A_KEY} (SWITCHYARD_ALLOW_DEMO_KEY=true accepts the demo key on loopback anyway)`,
      ],
      'environment',
    );
  }
}
