import { setTimeout as sleep } from 'node:timers/promises';
import { connect } from 'nats';
import OpenAI from 'openai';
import {
  hostPort,
  MockControl,
  TcpProxy,
  TEST_MASTER_KEY,
  TestFleet,
  testInfrastructure,
  writeTestConfig,
} from '@switchyard/testing';

interface UsageRow {
  kind: string;
  cost_usd: string;
  saved_cost_usd: string | null;
  input_tokens: number;
  output_tokens: number;
  model: string;
  provider: string;
  usage_estimated: boolean;
}

describe('the OpenAI surface: cache, embeddings, model info, parameters, SSE framing', () => {
  let fleet: TestFleet;
  let client: OpenAI;
  let mock: MockControl;
  let redisProxy: TcpProxy;

  beforeAll(async () => {
    const configPath = writeTestConfig((document) => {
      document.model_list.push({
        model_name: 'text-embedding-3-small',
        litellm_params: {
          model: 'openai/text-embedding-3-small',
          api_key: 'demo-key-not-secret',
          api_base: 'os.environ/MOCK_PROVIDER_URL',
        },
        model_info: { mode: 'embedding' },
      });
      document.model_list.push({
        model_name: 'gemini-embedding-001',
        litellm_params: {
          model: 'gemini/gemini-embedding-001',
          api_key: 'demo-key-not-secret',
          api_base: 'os.environ/MOCK_PROVIDER_URL',
          input_cost_per_token: 0.00000015,
        },
        model_info: { mode: 'embedding' },
      });
    });
    redisProxy = await TcpProxy.start(hostPort(testInfrastructure().redisUrl, 6379));
    fleet = await TestFleet.start({
      configPath,
      environment: { REDIS_URL: redisProxy.proxiedUrl(testInfrastructure().redisUrl) },
    });
    client = new OpenAI({ apiKey: TEST_MASTER_KEY, baseURL: `${fleet.baseUrl}/v1`, maxRetries: 0 });
    mock = new MockControl(fleet.mockUrl);
  });

  afterAll(async () => {
    await fleet?.stop();
    await redisProxy?.close();
  });

  const rowsOf = (callId: string) => fleet.usageRowsOf<UsageRow>(callId);

  const callsTo = async (model: string) => (await mock.requests({ model })).length;

  it('answers the same request twice from the cache the second time, recording what it saved', async () => {
    const request = {
      model: 'gpt-5.4',
      messages: [{ role: 'user' as const, content: 'cache me please' }],
      temperature: 0,
    };
    const first = await client.chat.completions.create(request).withResponse();
    expect(first.response.headers.get('x-litellm-cache-key')).toBeNull();
    const callsAfterFirst = await callsTo('gpt-5.4');
    const second = await client.chat.completions.create(request).withResponse();
    expect(second.response.headers.get('x-litellm-cache-key')).toMatch(
      /^switchyard\.demo:chat:[0-9a-f]{64}$/,
    );
    expect(second.data).toEqual(first.data);
    expect(await callsTo('gpt-5.4')).toBe(callsAfterFirst);

    const [original] = await rowsOf(first.response.headers.get('x-litellm-call-id')!);
    const [hit] = await rowsOf(second.response.headers.get('x-litellm-call-id')!);
    expect(hit).toMatchObject({ kind: 'cache_hit', model: 'gpt-5.4' });
    expect(Number(hit.cost_usd)).toBe(0);
    expect(Number(hit.saved_cost_usd)).toBeCloseTo(Number(original.cost_usd), 12);
    expect(hit.output_tokens).toBe(original.output_tokens);

    // a different output-affecting parameter is a different entry
    await client.chat.completions.create({ ...request, temperature: 0.5 });
    expect(await callsTo('gpt-5.4')).toBe(callsAfterFirst + 1);
  });

  it('replays a cached streamed answer as a stream', async () => {
    const request = {
      model: 'claude-haiku-4-5',
      stream: true as const,
      messages: [{ role: 'user' as const, content: 'stream and cache' }],
    };
    const collect = async () => {
      const { data, response } = await client.chat.completions.create(request).withResponse();
      let content = '';
      for await (const chunk of data) content += chunk.choices[0]?.delta.content ?? '';
      return { content, cacheKey: response.headers.get('x-litellm-cache-key') };
    };
    const first = await collect();
    await sleep(200); // stored once complete
    const calls = await callsTo('claude-haiku-4-5');
    const second = await collect();
    expect(second.cacheKey).not.toBeNull();
    expect(second.content).toBe(first.content);
    expect(await callsTo('claude-haiku-4-5')).toBe(calls);
  });

  it('calls the model when the request says no-cache (body or Cache-Control)', async () => {
    const request = {
      model: 'gemini-3.5-flash',
      messages: [{ role: 'user' as const, content: 'fresh please' }],
    };
    await client.chat.completions.create(request);
    const calls = await callsTo('gemini-3.5-flash');
    await client.chat.completions.create({
      ...request,
      cache: { 'no-cache': true },
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    expect(await callsTo('gemini-3.5-flash')).toBe(calls + 1);
    await client.chat.completions.create(request, { headers: { 'cache-control': 'no-cache' } });
    expect(await callsTo('gemini-3.5-flash')).toBe(calls + 2);
    // the gateway's own fields never reach the provider
    const [last] = (await mock.requests({ model: 'gemini-3.5-flash' })).slice(-2);
    expect(JSON.stringify(last.body)).not.toContain('no-cache');
  });

  it('keeps answering while Redis is unreachable, without caching', async () => {
    redisProxy.cut();
    try {
      const request = {
        model: 'gpt-5.4-mini',
        messages: [{ role: 'user' as const, content: 'redis is down' }],
      };
      const calls = await callsTo('gpt-5.4-mini');
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const completion = await client.chat.completions.create(request);
        expect(completion.choices[0].message.content).toBe('Mock reply from gpt-5.4-mini: redis is down');
      }
      expect(await callsTo('gpt-5.4-mini')).toBe(calls + 3);
      const metrics = await (await fetch(`${fleet.baseUrl}/metrics`)).text();
      expect(metrics).toMatch(/switchyard_cache_requests_total\{[^}]*result="error"[^}]*\} [1-9]/);
    } finally {
      redisProxy.restore();
    }
  });

  it('creates embeddings and records their usage', async () => {
    const { data, response } = await client.embeddings
      .create({ model: 'text-embedding-3-small', input: ['first text', 'second text'] })
      .withResponse();
    expect(data.data).toHaveLength(2);
    expect(data.data[0].embedding.length).toBeGreaterThan(0);
    expect(data.data[0].embedding).not.toEqual(data.data[1].embedding);
    const [row] = await rowsOf(response.headers.get('x-litellm-call-id')!);
    expect(row).toMatchObject({ kind: 'upstream', model: 'text-embedding-3-small' });
    expect(row.input_tokens).toBeGreaterThan(0);
  });

  it('counts the input of a provider that reports no embedding usage (Gemini) instead of charging 0', async () => {
    const { data, response } = await client.embeddings
      .create({ model: 'gemini-embedding-001', input: ['first text', 'a much longer second text to embed'] })
      .withResponse();
    expect(data.data).toHaveLength(2);
    expect(data.usage.prompt_tokens).toBeGreaterThan(2);
    const [row] = await rowsOf(response.headers.get('x-litellm-call-id')!);
    expect(row).toMatchObject({ provider: 'gemini', model: 'gemini-embedding-001', usage_estimated: true });
    expect(row.input_tokens).toBe(data.usage.prompt_tokens);
    expect(Number(row.cost_usd)).toBeCloseTo(row.input_tokens * 0.00000015, 12);
  });

  it('lists model info with providers, prices and windows, and no secrets', async () => {
    const response = await fetch(`${fleet.baseUrl}/v1/model/info`, {
      headers: { authorization: `Bearer ${TEST_MASTER_KEY}` },
    });
    const text = await response.text();
    expect(text).not.toContain('demo-key-not-secret');
    expect(text).not.toContain('api_key');
    const { data } = JSON.parse(text) as {
      data: { model_name: string; model_info: Record<string, unknown> }[];
    };
    expect(data).toHaveLength(32);
    const sonnet = data.find((entry) => entry.model_name === 'claude-sonnet-4-6')!;
    expect(sonnet.model_info).toMatchObject({
      litellm_provider: 'anthropic',
      mode: 'chat',
      max_input_tokens: 1000000,
    });
    expect(sonnet.model_info.input_cost_per_token).toBeCloseTo(0.000003, 12);
    const router = data.find((entry) => entry.model_name === 'opencodego-router')!;
    expect(router.model_info).toMatchObject({ router: true });
    expect(await client.models.retrieve('gpt-5.5')).toMatchObject({ id: 'gpt-5.5', owned_by: 'openai' });
  });

  it('passes unknown parameters through, and drops them with drop_params', async () => {
    await client.chat.completions.create({
      model: 'opencode-glm-5',
      messages: [{ role: 'user', content: 'extra params' }],
      top_k: 5,
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    await client.chat.completions.create({
      model: 'opencode-glm-5',
      messages: [{ role: 'user', content: 'extra params dropped' }],
      top_k: 5,
      drop_params: true,
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    const [kept, dropped] = (await mock.requests({ model: 'glm-5' })).slice(-2);
    expect(kept.body).toMatchObject({ top_k: 5 });
    expect(dropped.body).not.toHaveProperty('top_k');
    expect(dropped.body).not.toHaveProperty('drop_params');
  });

  it('answers a request larger than the bus accepts with 413, and keeps serving', async () => {
    const probe = await connect({ servers: testInfrastructure().natsUrl });
    const maxPayload = probe.info?.max_payload ?? 1024 * 1024;
    await probe.close();
    // over the bus's limit (and over the HTTP limit when the bus allows more: 413 either way)
    const size = Math.min(maxPayload + 256 * 1024, 11 * 1024 * 1024);
    const response = await fetch(`${fleet.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'gpt-5.4-mini',
        messages: [{ role: 'user', content: 'x'.repeat(size) }],
      }),
    });
    if (fleet.mode === 'one-process' && size < 10 * 1024 * 1024) {
      // no bus between the ingress and its dispatchers: a request under the HTTP limit is answered
      expect(response.status).toBe(200);
    } else {
      expect(response.status).toBe(413);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('request_too_large');
      expect(body.error.message).toMatch(/larger than/);
    }
    const after = await client.chat.completions.create({
      model: 'gpt-5.4-mini',
      messages: [{ role: 'user', content: 'still here' }],
    });
    expect(after.choices[0].message.content).toBe('Mock reply from gpt-5.4-mini: still here');
  });

  it("frames SSE exactly as OpenAI does: 'data: {json}' frames and a final 'data: [DONE]'", async () => {
    const response = await fetch(`${fleet.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'mistral-small-4',
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: 'user', content: 'framing' }],
      }),
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const text = await response.text();
    expect(text.endsWith('\n\ndata: [DONE]\n\n')).toBe(true);
    const frames = text.slice(0, -'data: [DONE]\n\n'.length).split('\n\n').filter(Boolean);
    expect(frames.length).toBeGreaterThan(3);
    for (const frame of frames) {
      expect(frame).toMatch(/^data: \{.*\}$/);
      const chunk = JSON.parse(frame.slice(6)) as { object: string };
      expect(chunk.object).toBe('chat.completion.chunk');
    }
    const last = JSON.parse(frames.at(-1)!.slice(6)) as {
      choices: unknown[];
      usage: { total_tokens: number };
    };
    expect(last.choices).toEqual([]);
    expect(last.usage.total_tokens).toBeGreaterThan(0);
  });
});
