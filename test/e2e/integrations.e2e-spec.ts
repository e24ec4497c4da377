import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, TEST_MASTER_KEY, TestFleet } from '@switchyard/testing';

interface OpenCodeProvider {
  npm: string;
  name: string;
  options: { baseURL: string; apiKey: string };
  models: Record<string, { name: string }>;
}

interface OpenCodeConfig {
  $schema: string;
  provider: Record<string, OpenCodeProvider>;
  model: string;
  small_model: string;
}

/** The user's OpenCode config: the shape OpenCode accepts and the names it expects. */
const seed = JSON.parse(
  readFileSync(join(REPO_ROOT, 'test/fixtures/seed-config/opencode.jsonc'), 'utf8'),
) as OpenCodeConfig;
const seedProvider = seed.provider['litellm-local'];
const ROUTERS = ['frontier-router', 'mistral-router', 'opencodego-router'];

describe('GET /integrations/opencode (demo config)', () => {
  let fleet: TestFleet;

  beforeAll(async () => {
    fleet = await TestFleet.start({ only: (spec) => spec.app === 'ingress' });
  });

  afterAll(async () => {
    await fleet?.stop();
  });

  async function openCode(query = '', headers: Record<string, string> = {}) {
    const response = await fetch(`${fleet.baseUrl}/integrations/opencode${query}`, {
      headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, ...headers },
    });
    const text = await response.text();
    return { status: response.status, contentType: response.headers.get('content-type'), text };
  }

  it('requires the master key', async () => {
    const anonymous = await fetch(`${fleet.baseUrl}/integrations/opencode`);
    const stranger = await fetch(`${fleet.baseUrl}/integrations/opencode`, {
      headers: { authorization: 'Bearer sk-not-the-master-key' },
    });

    expect(anonymous.status).toBe(401);
    expect(stranger.status).toBe(403);
  });

  it('returns valid JSON in the shape of the seed opencode.jsonc, listing all 30 names, routers first', async () => {
    const { status, contentType, text } = await openCode();

    expect(status).toBe(200);
    expect(contentType).toContain('application/json');
    const config = JSON.parse(text) as OpenCodeConfig;
    expect(Object.keys(config).sort()).toEqual(Object.keys(seed).sort());
    expect(config.$schema).toBe(seed.$schema);
    expect(Object.keys(config.provider)).toEqual(['litellm-local']);
    const provider = config.provider['litellm-local'];
    expect(Object.keys(provider).sort()).toEqual(Object.keys(seedProvider).sort());
    expect(provider.npm).toBe(seedProvider.npm);
    expect(Object.keys(provider.options).sort()).toEqual(Object.keys(seedProvider.options).sort());
    expect(provider.options).toEqual({ baseURL: `${fleet.baseUrl}/v1`, apiKey: seedProvider.options.apiKey });

    const names = Object.keys(provider.models);
    expect(names).toHaveLength(30);
    expect([...names].sort()).toEqual(Object.keys(seedProvider.models).sort());
    expect(names.slice(0, 3).sort()).toEqual(ROUTERS);
    for (const entry of Object.values(provider.models)) {
      expect(Object.keys(entry)).toEqual(['name']);
      expect(typeof entry.name).toBe('string');
    }
    expect(provider.models['frontier-router'].name).toContain('gpt-5.4-mini');

    expect(config.model).toBe('litellm-local/frontier-router');
    expect(config.small_model).toBe('litellm-local/frontier-router');
  });

  it('names the provider, the model and the small model as asked', async () => {
    const { status, text } = await openCode(
      '?provider=switchyard&model=opencodego-router&small_model=mistral-router',
    );

    expect(status).toBe(200);
    const config = JSON.parse(text) as OpenCodeConfig;
    expect(Object.keys(config.provider)).toEqual(['switchyard']);
    expect(config.model).toBe('switchyard/opencodego-router');
    expect(config.small_model).toBe('switchyard/mistral-router');
  });

  it('uses the URL a reverse proxy says the client reached', async () => {
    const { text } = await openCode('', {
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'gateway.example.test',
    });

    expect((JSON.parse(text) as OpenCodeConfig).provider['litellm-local'].options.baseURL).toBe(
      'https://gateway.example.test/v1',
    );
  });

  it('refuses a model that the gateway does not serve with 400 naming it', async () => {
    const { status, text } = await openCode('?model=gpt-9');

    expect(status).toBe(400);
    expect(JSON.parse(text)).toMatchObject({
      error: { type: 'invalid_request_error', message: expect.stringContaining('"gpt-9"') },
    });
  });
});
