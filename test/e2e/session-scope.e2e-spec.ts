import { TEST_MASTER_KEY, TestFleet, writeTestConfig } from '@switchyard/testing';

interface Explanation {
  tier: string | null;
  cause: string;
  model: string;
}

describe('session affinity across keys', () => {
  let fleet: TestFleet;

  beforeAll(async () => {
    const configPath = writeTestConfig((document) => {
      const router = document.model_list.find((entry) => entry.model_name === 'frontier-router')!;
      (router.litellm_params.complexity_router_config as Record<string, unknown>).session_affinity = true;
    });
    // route/explain classifies without calling a provider
    fleet = await TestFleet.start({
      configPath,
      only: (spec) => ['ledger', 'classifier', 'ingress'].includes(spec.name),
    });
  }, 120_000);

  afterAll(async () => {
    await fleet?.stop();
  });

  async function explain(key: string, content: string, session: string): Promise<Explanation> {
    const response = await fetch(`${fleet.baseUrl}/v1/route/explain`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': 'application/json',
        'x-session-id': session,
      },
      body: JSON.stringify({ model: 'frontier-router', messages: [{ role: 'user', content }] }),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as Explanation;
  }

  it("does not let one key read or steer another key's session by naming its id", async () => {
    const minted = await fetch(`${fleet.baseUrl}/key/generate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({}),
    });
    const { key: otherKey } = (await minted.json()) as { key: string };
    const reasoningAsk =
      'Think step by step and explain your reasoning: compare and contrast two designs for the authentication architecture.';

    expect(await explain(TEST_MASTER_KEY, reasoningAsk, 'ses_shared')).toMatchObject({ tier: 'REASONING' });
    // the same key and session: affinity holds the tier
    expect(await explain(TEST_MASTER_KEY, 'Hello, can you help me?', 'ses_shared')).toMatchObject({
      tier: 'REASONING',
      cause: 'session_affinity',
    });
    // another key naming the same session id gets its own routing
    expect(await explain(otherKey, 'Hello, can you help me?', 'ses_shared')).toMatchObject({
      tier: 'SIMPLE',
      model: 'gpt-5.4-mini',
    });
  });
});
