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

describe('GET /integrations/{codex,gemini-cli,claude-code} (demo config)', () => {
  let fleet: TestFleet;

  beforeAll(async () => {
    fleet = await TestFleet.start({ only: (spec) => spec.app === 'ingress' });
  });

  afterAll(async () => {
    await fleet?.stop();
  });

  async function setup(path: string, headers: Record<string, string> = {}) {
    const response = await fetch(`${fleet.baseUrl}/integrations/${path}`, {
      headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, ...headers },
    });
    return {
      status: response.status,
      contentType: response.headers.get('content-type'),
      text: await response.text(),
    };
  }

  /** `export NAME=value` lines as a map (the key is a `"$LITELLM_API_KEY"` reference, never a value). */
  function exports(text: string): Record<string, string> {
    return Object.fromEntries(
      text
        .split('\n')
        .filter((line) => line.startsWith('export '))
        .map((line) => {
          const [name, ...value] = line.slice('export '.length).split('=');
          return [name, value.join('=')];
        }),
    );
  }

  it.each(['codex', 'gemini-cli', 'gemini-cli/settings.json', 'claude-code'])(
    '%s requires the master key',
    async (path) => {
      const anonymous = await fetch(`${fleet.baseUrl}/integrations/${path}`);
      const stranger = await fetch(`${fleet.baseUrl}/integrations/${path}`, {
        headers: { authorization: 'Bearer sk-not-the-master-key' },
      });

      expect(anonymous.status).toBe(401);
      expect(stranger.status).toBe(403);
    },
  );

  it('codex: a config.toml that selects a Responses provider at the URL the request reached, key from the environment', async () => {
    const { status, contentType, text } = await setup('codex');

    expect(status).toBe(200);
    expect(contentType).toContain('text/plain');
    const lines = text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    expect(lines).toEqual([
      'model_provider = "switchyard"',
      'model = "frontier-router"',
      '[model_providers.switchyard]',
      'name = "Switchyard"',
      `base_url = "${fleet.baseUrl}/v1"`,
      'env_key = "LITELLM_API_KEY"',
      'wire_api = "responses"',
    ]);
    expect(text).not.toContain(TEST_MASTER_KEY);
  });

  it('codex: takes the provider and model asked for, and the URL a reverse proxy says the client reached', async () => {
    const { text } = await setup('codex?provider=gw&model=opencodego-router', {
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'gateway.example.test',
    });

    expect(text).toContain('model_provider = "gw"\nmodel = "opencodego-router"\n');
    expect(text).toContain('[model_providers.gw]\n');
    expect(text).toContain('base_url = "https://gateway.example.test/v1"\n');
  });

  it('gemini-cli: the environment lines (gateway root, key by reference, model) and settings.json', async () => {
    const environment = await setup('gemini-cli?model=opencodego-router');
    const settings = await setup('gemini-cli/settings.json');

    expect(environment.status).toBe(200);
    expect(environment.contentType).toContain('text/plain');
    expect(exports(environment.text)).toEqual({
      GOOGLE_GEMINI_BASE_URL: fleet.baseUrl,
      GEMINI_API_KEY: '"$LITELLM_API_KEY"',
      GEMINI_MODEL: 'opencodego-router',
    });
    expect(settings.status).toBe(200);
    expect(settings.contentType).toContain('application/json');
    expect(JSON.parse(settings.text)).toEqual({ security: { auth: { selectedType: 'gemini-api-key' } } });
  });

  it('claude-code: the environment lines, the background model defaulting to the model', async () => {
    const { status, contentType, text } = await setup('claude-code?model=mistral-router');

    expect(status).toBe(200);
    expect(contentType).toContain('text/plain');
    expect(exports(text)).toEqual({
      ANTHROPIC_BASE_URL: fleet.baseUrl,
      ANTHROPIC_AUTH_TOKEN: '"$LITELLM_API_KEY"',
      ANTHROPIC_MODEL: 'mistral-router',
      ANTHROPIC_DEFAULT_HAIKU_MODEL: 'mistral-router',
    });
  });

  it.each([
    'codex?model=gpt-9',
    'gemini-cli?model=gpt-9',
    'claude-code?small_model=gpt-9',
    'codex?provider=a.b',
  ])('%s: 400 in the OpenAI envelope naming what is wrong', async (path) => {
    const { status, text } = await setup(path);

    expect({ status, text }).toMatchObject({ status: 400 });
    expect(JSON.parse(text)).toMatchObject({
      error: { type: 'invalid_request_error', message: expect.any(String) },
    });
    expect((JSON.parse(text) as { error: { message: string } }).error.message).toMatch(/gpt-9|provider/);
  });
});
