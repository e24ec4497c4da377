import { join } from 'node:path';
import { ConfigError, type IngressEnvironment, loadGatewayConfig } from '@switchyard/config';
import { checkDemoKey, DEMO_MASTER_KEY, isDemoConfiguration, isLoopback } from './demo-key-policy';
import { MasterKey } from './master-key';

const root = join(__dirname, '../../../..');
const demo = loadGatewayConfig({ configPath: join(root, 'config/demo.yaml'), environment: {} });
const real = loadGatewayConfig({ configPath: join(root, 'config/litellm_config.yaml'), environment: {} });

function environment(overrides: Partial<IngressEnvironment> = {}): IngressEnvironment {
  return { HOST: '127.0.0.1', SWITCHYARD_ALLOW_DEMO_KEY: false, ...overrides } as IngressEnvironment;
}

describe(checkDemoKey.name, () => {
  const demoKey = new MasterKey(DEMO_MASTER_KEY);

  it('accepts the demo key with the demo config on loopback (npm run fleet, compose published on 127.0.0.1)', () => {
    expect(() => checkDemoKey(demoKey, demo, environment())).not.toThrow();
    expect(() =>
      checkDemoKey(demoKey, demo, environment({ HOST: '0.0.0.0', INGRESS_PUBLISHED_ADDRESS: '127.0.0.1' })),
    ).not.toThrow();
  });

  it('refuses the demo key beyond loopback, whatever the config or opt-in, saying how to make a key', () => {
    for (const overrides of [
      { HOST: '0.0.0.0' },
      { HOST: '0.0.0.0', INGRESS_PUBLISHED_ADDRESS: '0.0.0.0' },
      { HOST: '127.0.0.1', INGRESS_PUBLISHED_ADDRESS: '192.168.1.20', SWITCHYARD_ALLOW_DEMO_KEY: true },
    ]) {
      const attempt = () => checkDemoKey(demoKey, demo, environment(overrides));
      expect(attempt).toThrow(ConfigError);
      expect(attempt).toThrow(/openssl rand -hex 32/);
    }
  });

  it('refuses the demo key with a config that calls real providers, unless SWITCHYARD_ALLOW_DEMO_KEY=true', () => {
    expect(() => checkDemoKey(demoKey, real, environment())).toThrow(/calls real providers.*openssl rand/);
    expect(() => checkDemoKey(demoKey, real, environment({ SWITCHYARD_ALLOW_DEMO_KEY: true }))).not.toThrow();
  });

  it('lets any other key through anywhere', () => {
    const key = new MasterKey('sk-0123456789abcdef0123456789abcdef');
    expect(() => checkDemoKey(key, real, environment({ HOST: '0.0.0.0' }))).not.toThrow();
  });
});

describe(isDemoConfiguration.name, () => {
  it('holds for config/demo.yaml (every model on the mock provider) and not for the example config', () => {
    expect(isDemoConfiguration(demo)).toBe(true);
    expect(isDemoConfiguration(real)).toBe(false);
  });
});

describe(isLoopback.name, () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['::1', true],
    ['[::1]', true],
    ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false],
    ['::', false],
    ['10.0.0.5', false],
    ['', false],
  ])('%s → %s', (address, expected) => {
    expect(isLoopback(address)).toBe(expected);
  });
});
