import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect, type NatsConnection } from 'nats';
import OpenAI from 'openai';
import {
  MockControl,
  TEST_MASTER_KEY,
  TestFleet,
  testInfrastructure,
  uniqueSuffix,
  writeTestConfig,
} from '@switchyard/testing';

const PROVIDER_KEY_VARIABLES: Record<string, string> = {
  openai: 'TEST_OPENAI_KEY',
  anthropic: 'TEST_ANTHROPIC_KEY',
  gemini: 'TEST_GEMINI_KEY',
  mistral: 'TEST_MISTRAL_KEY',
  opencodego: 'TEST_OPENCODE_GO_KEY',
};

describe('provider keys never leak (logs, NATS payloads, error messages)', () => {
  const secrets = Object.fromEntries(
    Object.values(PROVIDER_KEY_VARIABLES).map((variable) => [
      variable,
      `sk-leakcheck-${variable.toLowerCase()}-${uniqueSuffix()}${uniqueSuffix()}`,
    ]),
  );
  let fleet: TestFleet;
  let client: OpenAI;
  let bus: NatsConnection;
  const busTraffic: string[] = [];
  const clientVisible: string[] = [];

  beforeAll(async () => {
    const configPath = writeTestConfig((document) => {
      for (const entry of document.model_list) {
        const provider = String(entry.litellm_params.model).split('/')[0];
        const variable = PROVIDER_KEY_VARIABLES[provider];
        if (variable) entry.litellm_params.api_key = `os.environ/${variable}`;
      }
      document.router_settings = { num_retries: 0 };
    });
    fleet = await TestFleet.start({ configPath, environment: { ...secrets, LOG_LEVEL: 'debug' } });
    client = new OpenAI({ apiKey: TEST_MASTER_KEY, baseURL: `${fleet.baseUrl}/v1`, maxRetries: 0 });
    bus = await connect({ servers: testInfrastructure().natsUrl });
    bus.subscribe(`${fleet.namespace}>`, {
      callback: (_error, message) => {
        busTraffic.push(Buffer.from(message.data).toString('utf8'));
        if (message.headers)
          for (const [name, values] of message.headers) busTraffic.push(`${name}: ${values.join(',')}`);
      },
    });
  });

  afterAll(async () => {
    await bus?.drain();
    await fleet?.stop();
  });

  it('uses each key upstream but shows it nowhere else', async () => {
    const mock = new MockControl(fleet.mockUrl);
    const models = [
      'gpt-5.4-mini',
      'claude-haiku-4-5',
      'gemini-3.5-flash',
      'mistral-small-4',
      'opencode-glm-5',
    ];
    for (const model of models) {
      const completion = await client.chat.completions.create({
        model,
        messages: [{ role: 'user', content: 'hello' }],
      });
      clientVisible.push(JSON.stringify(completion));
      const stream = await client.chat.completions.create({
        model,
        stream: true,
        messages: [{ role: 'user', content: 'stream' }],
      });
      for await (const chunk of stream) clientVisible.push(JSON.stringify(chunk));
    }
    // upstream errors that quote the key back, as some providers do (set on the mock directly,
    // so the key never travels in a prompt)
    const providers = ['openai', 'anthropic', 'gemini', 'mistral', 'opencodego'];
    await mock.setFaults(
      models.map((model, index) => ({
        match: {
          model:
            model === 'opencode-glm-5' ? 'glm-5' : model === 'mistral-small-4' ? 'mistral-small-2603' : model,
        },
        fault: {
          status: 401,
          message: `Incorrect API key provided: ${secrets[PROVIDER_KEY_VARIABLES[providers[index]]]}`,
        },
      })),
    );
    for (const model of models) {
      const failure = await client.chat.completions
        .create({ model, messages: [{ role: 'user', content: 'fail please' }] })
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(OpenAI.APIError);
      clientVisible.push(
        JSON.stringify((failure as InstanceType<typeof OpenAI.APIError>).error),
        (failure as Error).message,
      );
    }
    await sleep(1500); // usage events reach the bus and the ledger

    // the upstream did receive the right keys
    const seen = await mock.requests();
    for (const [provider, variable] of Object.entries(PROVIDER_KEY_VARIABLES)) {
      const digest = createHash('sha256').update(secrets[variable]).digest('hex').slice(0, 12);
      const format = provider === 'opencodego' ? 'openai' : provider;
      expect(seen.filter((entry) => entry.format === format).map((entry) => entry.keySha256)).toContain(
        digest,
      );
    }

    const places: [string, string[]][] = [
      ['logs', fleet.logs],
      ['NATS payloads and headers', busTraffic],
      ['responses and error messages', clientVisible],
    ];
    expect(busTraffic.length).toBeGreaterThan(20);
    expect(fleet.logs.length).toBeGreaterThan(10);
    for (const [place, texts] of places) {
      const joined = texts.join('\n');
      for (const secret of Object.values(secrets)) {
        expect({ place, leaked: joined.includes(secret) || joined.includes(secret.slice(-16)) }).toEqual({
          place,
          leaked: false,
        });
      }
    }
  });
});
