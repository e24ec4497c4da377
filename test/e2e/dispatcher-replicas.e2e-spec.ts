import OpenAI from 'openai';
import { TEST_MASTER_KEY, TestFleet } from '@switchyard/testing';

/** Sum of `switchyard_upstream_attempts_total` on one dispatcher's /metrics. */
async function attemptsServedBy(fleet: TestFleet, name: string): Promise<number> {
  const port = fleet.spec(name).environment.METRICS_PORT;
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('switchyard_upstream_attempts_total{'))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

describe('dispatcher replicas of one provider', () => {
  let fleet: TestFleet;
  let client: OpenAI;

  beforeAll(async () => {
    // fleet only: dispatcher replicas are processes, one of them killed
    fleet = await TestFleet.start({ mode: 'fleet', extraDispatchers: { openai: 1 } });
    client = new OpenAI({ apiKey: TEST_MASTER_KEY, baseURL: `${fleet.baseUrl}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await fleet?.stop();
  });

  it('share the load: both replicas serve requests', async () => {
    await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        client.chat.completions.create({
          model: 'gpt-5.4-mini',
          messages: [{ role: 'user', content: `share ${index}` }],
        }),
      ),
    );
    expect(await attemptsServedBy(fleet, 'dispatcher-openai')).toBeGreaterThan(0);
    expect(await attemptsServedBy(fleet, 'dispatcher-openai-2')).toBeGreaterThan(0);
  });

  it('lose no request that had not started streaming when one replica is killed under load', async () => {
    const requests = Array.from({ length: 30 }, (_, index) =>
      client.chat.completions.create({
        model: 'gpt-5.4',
        messages: [{ role: 'user', content: `slow ${index} [[mock:{"latencyMs":1500}]]` }],
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 500)); // both replicas hold requests now
    await fleet.fleet.stopService('dispatcher-openai-2', 'SIGKILL');
    const results = await Promise.allSettled(requests);
    const failed = results.filter((result) => result.status === 'rejected');
    expect(failed).toEqual([]);
    for (const result of results) {
      if (result.status === 'fulfilled')
        expect(result.value.choices[0].message.content).toContain('Mock reply from gpt-5.4');
    }
  });
});
