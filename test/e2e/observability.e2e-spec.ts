import OpenAI from 'openai';
import {
  dashboardMetricNames,
  eventually,
  exposes,
  REPO_ROOT,
  startFleetWithOpenAI,
  TEST_MASTER_KEY,
  type TestFleet,
} from '@switchyard/testing';

/** Series Prometheus makes itself (not exposed by any service). */
const PROMETHEUS_SYNTHETIC = new Set(['up']);

describe('observability end to end (demo fleet): every metric the dashboard queries is exposed', () => {
  let fleet: TestFleet;
  let client: OpenAI;

  beforeAll(async () => {
    // fleet only: it scrapes each service process's own /metrics (the one-process gateway's single
    // /metrics is checked by one-process.e2e-spec.ts)
    ({ fleet, client } = await startFleetWithOpenAI({ mode: 'fleet' }));

    // direct and routed traffic, JSON and SSE, a repeat (cache), a refusal and an unknown model
    const ask = (model: string, content: string) =>
      client.chat.completions.create({ model, messages: [{ role: 'user', content }] });
    const stream = async (model: string, content: string) => {
      const chunks = await client.chat.completions.create({
        model,
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: 'user', content }],
      });
      for await (const _chunk of chunks) {
        // drain
      }
    };
    await ask('gpt-5.4-mini', 'Say hello');
    await ask('gpt-5.4-mini', 'Say hello');
    await stream('claude-sonnet-4-6', 'Stream a greeting');
    await stream('gemini-3.5-flash', 'Stream a greeting');
    await ask('mistral-small-4', 'Hello Mistral');
    await ask('frontier-router', 'What is 2 + 2?');
    await ask(
      'frontier-router',
      'Prove step by step that the halting problem is undecidable, then design a distributed consensus algorithm.',
    );
    await stream('opencodego-router', 'Write a TypeScript function that parses a CSV line with quotes.');
    await ask('mistral-router', 'Thanks!');
    await ask('gpt-9-does-not-exist', 'hi').catch(() => undefined);
    await new OpenAI({ apiKey: 'sk-wrong', baseURL: `${fleet.baseUrl}/v1`, maxRetries: 0 }).chat.completions
      .create({ model: 'gpt-5.4-mini', messages: [{ role: 'user', content: 'hi' }] })
      .catch(() => undefined);
  });

  afterAll(async () => {
    await fleet?.stop();
  });

  async function scrapeAll(): Promise<Map<string, string>> {
    const texts = new Map<string, string>();
    for (const endpoint of fleet.metricsEndpoints()) {
      const response = await fetch(endpoint.url, { headers: { authorization: `Bearer ${TEST_MASTER_KEY}` } });
      if (response.status !== 200)
        throw new Error(`${endpoint.service} /metrics answered ${response.status}`);
      texts.set(endpoint.service, await response.text());
    }
    return texts;
  }

  it('scrapes /metrics of the ingress and of every worker', async () => {
    const texts = await scrapeAll();

    expect([...texts.keys()].sort()).toEqual(
      expect.arrayContaining([
        'classifier',
        'dispatcher-anthropic',
        'dispatcher-gemini',
        'dispatcher-mistral',
        'dispatcher-openai',
        'dispatcher-opencodego',
        'ingress',
        'ledger',
      ]),
    );
    for (const [service, text] of texts) {
      expect([service, exposes(text, 'process_resident_memory_bytes')]).toEqual([service, true]);
    }
  });

  it('finds every metric name of the dashboard in some service /metrics', async () => {
    const names = dashboardMetricNames(REPO_ROOT).filter((name) => !PROMETHEUS_SYNTHETIC.has(name));
    expect(names.length).toBeGreaterThan(20);

    // the ledger writes asynchronously: wait until every name is there, or fail naming the missing ones
    const missing = (texts: Map<string, string>) =>
      names.filter((name) => ![...texts.values()].some((text) => exposes(text, name)));
    const texts = await eventually(scrapeAll, (value) => missing(value).length === 0, {
      description: 'every dashboard metric exposed',
      timeoutMs: 15_000,
    }).catch(async () => scrapeAll());

    expect(missing(texts)).toEqual([]);
  });

  it('counts the routed and the direct traffic it was sent', async () => {
    const texts = await scrapeAll();
    const ingress = texts.get('ingress') ?? '';
    const classifier = texts.get('classifier') ?? '';

    for (const modelGroup of ['gpt-5.4-mini', 'claude-sonnet-4-6', 'frontier-router', 'opencodego-router']) {
      expect([
        modelGroup,
        new RegExp(`^switchyard_requests_total\\{[^}]*model_group="${modelGroup}"`, 'm').test(ingress),
      ]).toEqual([modelGroup, true]);
    }
    for (const router of ['frontier-router', 'opencodego-router', 'mistral-router']) {
      expect([
        router,
        new RegExp(`^switchyard_classifier_decisions_total\\{[^}]*router="${router}"`, 'm').test(classifier),
      ]).toEqual([router, true]);
    }
    const dispatcherText = [...texts.entries()]
      .filter(([service]) => service.startsWith('dispatcher-'))
      .map(([, text]) => text)
      .join('\n');
    for (const provider of ['openai', 'anthropic', 'gemini', 'mistral', 'opencodego']) {
      expect([
        provider,
        new RegExp(`^switchyard_spend_usd_total\\{[^}]*provider="${provider}"`, 'm').test(dispatcherText),
      ]).toEqual([provider, true]);
    }
  });
});
