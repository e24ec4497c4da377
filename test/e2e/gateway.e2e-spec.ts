import OpenAI from 'openai';
import { startFleetWithOpenAI, TEST_MASTER_KEY, type TestFleet } from '@switchyard/testing';

interface UsageRow {
  request_id: string;
  model: string;
  model_group: string;
  provider: string;
  provider_model: string;
  input_tokens: number;
  output_tokens: number;
  cost_usd: string;
  stream: boolean;
}

/** The mock's deterministic reply (apps/mock-provider/README.md). */
const mockReply = (providerModel: string, ask: string) =>
  `Mock reply from ${providerModel}: ${ask.split(/\s+/).slice(0, 12).join(' ')}`;

describe('gateway end to end (openai client, demo fleet)', () => {
  let fleet: TestFleet;
  let client: OpenAI;

  beforeAll(async () => {
    ({ fleet, client } = await startFleetWithOpenAI());
  });
  afterAll(() => fleet?.stop());

  const usageRowsOf = (requestId: string) => fleet.usageRowsOf<UsageRow>(requestId);

  it.each([
    ['gpt-5.4-mini', 'gpt-5.4-mini', 'openai'],
    ['opencode-kimi-k2-6', 'kimi-k2.6', 'opencodego'],
  ])('answers %s without streaming and records one usage row', async (model, providerModel, provider) => {
    const ask = 'Hello from the end to end test';
    const { data, response } = await client.chat.completions
      .create({ model, messages: [{ role: 'user', content: ask }] })
      .withResponse();
    expect(data.choices[0].message.content).toBe(mockReply(providerModel, ask));
    expect(data.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(data.usage?.completion_tokens).toBeGreaterThan(0);

    const callId = response.headers.get('x-litellm-call-id')!;
    expect(response.headers.get('x-litellm-model-group')).toBe(model);
    const rows = await usageRowsOf(callId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ model, provider, provider_model: providerModel, stream: false });
    expect(rows[0].input_tokens).toBe(data.usage?.prompt_tokens);
    expect(rows[0].output_tokens).toBe(data.usage?.completion_tokens);
    expect(Number(rows[0].cost_usd)).toBeGreaterThan(0);
    expect(Number(response.headers.get('x-litellm-response-cost'))).toBeCloseTo(Number(rows[0].cost_usd), 12);
  });

  it.each([
    ['gpt-5.4-mini', 'gpt-5.4-mini', 'openai'],
    ['opencode-kimi-k2-6', 'kimi-k2.6', 'opencodego'],
  ])('streams %s with the usage chunk and records one usage row', async (model, providerModel, provider) => {
    const ask = 'Stream a short answer please';
    const { data: stream, response } = await client.chat.completions
      .create({
        model,
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: 'user', content: ask }],
      })
      .withResponse();
    let content = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks += 1;
      content += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(chunks).toBeGreaterThan(2);
    expect(content).toBe(mockReply(providerModel, ask));
    expect(usage?.completion_tokens).toBeGreaterThan(0);

    const rows = await usageRowsOf(response.headers.get('x-litellm-call-id')!);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ model, provider, stream: true });
    expect(rows[0].input_tokens).toBe(usage?.prompt_tokens);
    expect(rows[0].output_tokens).toBe(usage?.completion_tokens);
    expect(Number(rows[0].cost_usd)).toBeGreaterThan(0);
  });

  it('omits the usage chunk when the client did not ask for it', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-5.4-mini',
      stream: true,
      messages: [{ role: 'user', content: 'no usage please' }],
    });
    const usages = [];
    for await (const chunk of stream) if (chunk.usage) usages.push(chunk.usage);
    expect(usages).toEqual([]);
  });

  it('lists the 30 model names of the config', async () => {
    const models = [];
    for await (const model of client.models.list()) models.push(model.id);
    expect(models).toHaveLength(30);
    expect(models).toEqual(
      expect.arrayContaining(['opencodego-router', 'frontier-router', 'mistral-router', 'gpt-5.5']),
    );
  });

  it('refuses a wrong key with 401 in the OpenAI envelope', async () => {
    const stranger = new OpenAI({ apiKey: 'sk-wrong', baseURL: `${fleet.baseUrl}/v1`, maxRetries: 0 });
    await expect(
      stranger.chat.completions.create({
        model: 'gpt-5.4-mini',
        messages: [{ role: 'user', content: 'hi' }],
      }),
    ).rejects.toMatchObject({
      status: 401,
      error: { type: 'authentication_error', code: 'invalid_api_key' },
    });
  });

  it('answers an unknown model with 404 naming it', async () => {
    const failure = await client.chat.completions
      .create({ model: 'gpt-5.6-turbo', messages: [{ role: 'user', content: 'hi' }] })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.NotFoundError);
    expect((failure as InstanceType<typeof OpenAI.NotFoundError>).message).toContain('"gpt-5.6-turbo"');
    expect((failure as InstanceType<typeof OpenAI.NotFoundError>).error).toMatchObject({
      param: 'model',
      code: 'model_not_found',
    });
  });

  it('answers a body that is not JSON with 400 in the OpenAI envelope', async () => {
    const response = await fetch(`${fleet.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
      body: '{"model": "gpt-5.4-mini", "messages": [',
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { type: string; code: string; message: string } };
    expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_json' });
  });
});
