import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI from 'openai';
import { MockControl, TEST_MASTER_KEY, TestFleet, writeTestConfig } from '@switchyard/testing';

interface UsageRow {
  model: string;
  status: string;
  http_status: number;
  retry: number;
  attempt: number;
  usage_estimated: boolean;
  output_tokens: number;
  input_tokens: number;
}

describe('resilience: retries, cooldowns, fallbacks, cut streams, disconnects', () => {
  let fleet: TestFleet;
  let client: OpenAI;
  let mock: MockControl;

  beforeAll(async () => {
    const configPath = writeTestConfig((document) => {
      document.router_settings = {
        fallbacks: [{ 'gpt-5.5': ['gpt-5.4'] }],
        allowed_fails: 1,
        cooldown_time: 60,
        num_retries: 2,
      };
    });
    fleet = await TestFleet.start({ configPath });
    client = new OpenAI({ apiKey: TEST_MASTER_KEY, baseURL: `${fleet.baseUrl}/v1`, maxRetries: 0 });
    mock = new MockControl(fleet.mockUrl);
  });

  afterEach(async () => {
    await mock.reset();
  });

  afterAll(async () => {
    await fleet?.stop();
  });

  const rowsOf = (callId: string, count: number) => fleet.usageRowsOf<UsageRow>(callId, count);

  it('retries a 429 after its retry-after and succeeds, recording both attempts', async () => {
    await mock.setFaults([
      { match: { model: 'claude-haiku-4-5' }, times: 1, fault: { status: 429, retryAfter: 1 } },
    ]);
    const started = Date.now();
    const { data, response } = await client.chat.completions
      .create({ model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'hello' }] })
      .withResponse();
    expect(data.choices[0].message.content).toContain('Mock reply from claude-haiku-4-5');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(await mock.requests({ model: 'claude-haiku-4-5' })).toHaveLength(2);
    const rows = await rowsOf(response.headers.get('x-litellm-call-id')!, 2);
    expect(rows.map((row) => [row.retry, row.http_status, row.status])).toEqual([
      [0, 429, 'error'],
      [1, 200, 'success'],
    ]);
  });

  it('falls back when a deployment keeps failing, then skips it while it cools down', async () => {
    await mock.setFaults([{ match: { model: 'gpt-5.5' }, fault: { status: 503 } }]);
    const first = await client.chat.completions
      .create({ model: 'gpt-5.5', messages: [{ role: 'user', content: 'first' }] })
      .withResponse();
    expect(first.data.choices[0].message.content).toBe('Mock reply from gpt-5.4: first');
    expect(first.response.headers.get('x-litellm-model-group')).toBe('gpt-5.5');
    const attemptsOnFailing = (await mock.requests({ model: 'gpt-5.5' })).length;
    expect(attemptsOnFailing).toBe(3); // the first try and num_retries: 2
    const rows = await rowsOf(first.response.headers.get('x-litellm-call-id')!, 4);
    expect(rows.map((row) => [row.model, row.status])).toEqual([
      ['gpt-5.5', 'error'],
      ['gpt-5.5', 'error'],
      ['gpt-5.5', 'error'],
      ['gpt-5.4', 'success'],
    ]);

    // the deployment is now cooling down: the next request goes to the fallback at once
    await sleep(300);
    const second = await client.chat.completions.create({
      model: 'gpt-5.5',
      messages: [{ role: 'user', content: 'second' }],
    });
    expect(second.choices[0].message.content).toBe('Mock reply from gpt-5.4: second');
    expect((await mock.requests({ model: 'gpt-5.5' })).length).toBe(attemptsOnFailing);
  });

  it('ends the client stream with an error event when the upstream cuts it, and records the partial usage', async () => {
    const { data: stream, response } = await client.chat.completions
      .create({
        model: 'gpt-5.4-mini',
        stream: true,
        messages: [
          { role: 'user', content: 'a long answer please [[mock:{"chunks":8,"cutAfterChunks":3}]]' },
        ],
      })
      .withResponse();
    let content = '';
    const failure = await (async () => {
      try {
        for await (const chunk of stream) content += chunk.choices[0]?.delta.content ?? '';
        return null;
      } catch (error) {
        return error;
      }
    })();
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect(content.length).toBeGreaterThan(0);
    const [row] = await rowsOf(response.headers.get('x-litellm-call-id')!, 1);
    expect(row).toMatchObject({ status: 'error', usage_estimated: true });
    expect(row.output_tokens).toBeGreaterThan(0);
    expect(row.input_tokens).toBeGreaterThan(0);
  });

  it('closes the upstream connection when the client goes away, before the upstream finishes', async () => {
    const controller = new AbortController();
    const response = await fetch(`${fleet.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      signal: controller.signal,
      headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'gemini-2.5-pro',
        stream: true,
        messages: [{ role: 'user', content: 'slowly please [[mock:{"chunks":40,"chunkDelayMs":100}]]' }],
      }),
    });
    const reader = response.body!.getReader();
    await reader.read(); // the stream has started
    await sleep(150);
    const abortedAt = Date.now();
    controller.abort();
    // wait until the upstream response is over, however it ended: no clock in the assertions
    let entry;
    for (;;) {
      [entry] = await mock.requests({ model: 'gemini-2.5-pro' });
      if (entry?.closedEarly || entry?.completed) break;
      await sleep(50);
    }
    // the order of events: the client aborted, then the gateway closed the upstream connection,
    // and that happened while the upstream still had chunks to send (without the cancel, the
    // dispatcher reads all 40 and the mock records a completed response)
    expect(entry?.closedEarly).toBe(true);
    expect(Date.parse(entry?.closedEarlyAt ?? '')).toBeGreaterThanOrEqual(abortedAt);
    expect(entry?.eventsWritten).toBeLessThan(40);
  });
});
