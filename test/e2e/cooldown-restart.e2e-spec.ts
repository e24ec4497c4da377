import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI from 'openai';
import {
  hostPort,
  MockControl,
  TcpProxy,
  TEST_MASTER_KEY,
  TestFleet,
  writeTestConfig,
} from '@switchyard/testing';

describe('cooldowns across an ingress restart', () => {
  let fleet: TestFleet;
  let client: OpenAI;
  let mock: MockControl;
  let redisProxy: TcpProxy | null = null;

  beforeAll(async () => {
    const configPath = writeTestConfig((document) => {
      document.router_settings = {
        fallbacks: [{ 'gpt-5.5': ['gpt-5.4'] }],
        allowed_fails: 1,
        cooldown_time: 120,
        num_retries: 2,
      };
    });
    fleet = await TestFleet.start({
      // fleet only: it restarts the ingress process alone while the dispatcher keeps running
      mode: 'fleet',
      configPath,
      only: (spec) => ['mock-provider', 'ledger', 'dispatcher-openai', 'ingress'].includes(spec.name),
    });
    client = new OpenAI({ apiKey: TEST_MASTER_KEY, baseURL: `${fleet.baseUrl}/v1`, maxRetries: 0 });
    mock = new MockControl(fleet.mockUrl);
  }, 120_000);

  afterAll(async () => {
    await fleet?.stop();
    await redisProxy?.close();
  });

  it('still sends a cooling deployment last after the ingress restarts (it reads the cooldowns from Redis)', async () => {
    await mock.setFaults([{ match: { model: 'gpt-5.5' }, fault: { status: 503 } }]);
    const failing = await client.chat.completions.create({
      model: 'gpt-5.5',
      messages: [{ role: 'user', content: 'before' }],
    });
    expect(failing.choices[0].message.content).toBe('Mock reply from gpt-5.4: before');
    // the upstream is healthy again, but gpt-5.5's deployment cools down for 120 s
    await mock.reset();
    const cooling = await client.chat.completions.create({
      model: 'gpt-5.5',
      messages: [{ role: 'user', content: 'cooling' }],
    });
    expect(cooling.choices[0].message.content).toBe('Mock reply from gpt-5.4: cooling');

    // the new ingress reaches Redis through a proxy that refuses it for its first second, as on a
    // compose start where Redis answers a little after the ingress begins
    const spec = fleet.spec('ingress');
    redisProxy = await TcpProxy.start(hostPort(spec.environment.REDIS_URL, 6379));
    redisProxy.cut();
    await fleet.fleet.stopService('ingress');
    const restarted = fleet.fleet.startService({
      ...spec,
      environment: { ...spec.environment, REDIS_URL: redisProxy.proxiedUrl(spec.environment.REDIS_URL) },
    });
    await sleep(1000);
    redisProxy.restore();
    await restarted;
    const after = await client.chat.completions.create({
      model: 'gpt-5.5',
      messages: [{ role: 'user', content: 'after' }],
    });

    expect(after.choices[0].message.content).toBe('Mock reply from gpt-5.4: after');
    expect(await mock.requests({ model: 'gpt-5.5' })).toHaveLength(0);
  }, 120_000);
});
