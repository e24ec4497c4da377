import { createHmac } from 'node:crypto';
import { parseGatewayConfig, type IngressEnvironment } from '@switchyard/config';
import { displayName, KeyHasher } from './key-hasher';

describe(KeyHasher.name, () => {
  const sut = new KeyHasher('salt-1');

  it('hashes with HMAC-SHA256 keyed by the salt', () => {
    expect(sut.hash('sk-abc')).toBe(createHmac('sha256', 'salt-1').update('sk-abc').digest('hex'));
    expect(sut.hash('sk-abc')).not.toBe(new KeyHasher('salt-2').hash('sk-abc'));
  });

  it('mints sk- keys of 32 random bytes, with their hash and a display name', () => {
    const minted = sut.mint();
    expect(minted.key).toMatch(/^sk-[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(minted.key.slice(3), 'base64url')).toHaveLength(32);
    expect(minted.keyHash).toBe(sut.hash(minted.key));
    expect(minted.keyName).toBe(`sk-...${minted.key.slice(-4)}`);
    expect(sut.mint().key).not.toBe(minted.key);
  });

  it('salts with LITELLM_SALT_KEY, else with the master key', () => {
    const configuration = parseGatewayConfig(
      'model_list:\n  - model_name: m\n    litellm_params: { model: openai/m, api_key: test }\n',
      { source: 'test.yaml', environment: {} },
    );
    const environment = { LITELLM_MASTER_KEY: 'sk-master' } as IngressEnvironment;
    expect(
      KeyHasher.fromConfiguration(configuration, { ...environment, LITELLM_SALT_KEY: 'pepper' }).hash('sk-x'),
    ).toBe(new KeyHasher('pepper').hash('sk-x'));
    expect(KeyHasher.fromConfiguration(configuration, environment).hash('sk-x')).toBe(
      new KeyHasher('sk-master').hash('sk-x'),
    );
  });
});

describe(displayName.name, () => {
  it('shows only the last four characters', () => {
    expect(displayName('sk-abcdefghijklmnop')).toBe('sk-...mnop');
  });
});
