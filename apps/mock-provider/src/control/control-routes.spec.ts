import { createHash } from 'node:crypto';
import { MockTestClient, waitFor } from '../__fixtures__/mock-test-client';

describe('mock provider: control API', () => {
  let sut: MockTestClient;

  beforeAll(async () => {
    sut = await MockTestClient.start();
  });
  afterAll(async () => sut.close());
  beforeEach(async () => sut.reset());

  it('is healthy and keeps idle connections open for pooled clients', async () => {
    const response = await sut.get('/__mock/health');
    expect(response.status).toBe(200);
    expect(response.json.status).toBe('ok');
    expect(sut.provider.app.server.keepAliveTimeout).toBe(65_000);
  });

  it('logs requests most recent last, with the body, without the key but with its digest', async () => {
    await sut.openai(
      { model: 'gpt-5.5', messages: [{ role: 'user', content: 'first' }] },
      { authorization: 'Bearer sk-secret-1', 'x-request-id': 'corr-1' },
    );
    await sut.anthropic(
      {
        model: 'claude-sonnet-4-6',
        max_tokens: 5,
        stream: true,
        messages: [{ role: 'user', content: 'second' }],
      },
      { 'x-api-key': 'sk-secret-2' },
    );
    await sut.post('/v1beta/models/gemini-2.5-pro:generateContent?key=sk-secret-3', {
      contents: [{ parts: [{ text: 'third' }] }],
    });

    const response = await sut.get('/__mock/requests');
    expect(response.text).not.toContain('sk-secret');
    const [openai, anthropic, gemini] = response.json.requests;
    expect(openai).toMatchObject({
      format: 'openai',
      endpoint: 'chat',
      method: 'POST',
      path: '/v1/chat/completions',
      model: 'gpt-5.5',
      stream: false,
      status: 200,
      completed: true,
      closedEarly: false,
      closedEarlyAt: null,
      requestId: 'corr-1',
      authPresent: true,
      keySha256: createHash('sha256').update('sk-secret-1').digest('hex').slice(0, 12),
      body: { model: 'gpt-5.5', messages: [{ role: 'user', content: 'first' }] },
    });
    expect(openai.headers.authorization).toBeUndefined();
    expect(openai.headers['x-request-id']).toBe('corr-1');
    expect(new Date(openai.time).getTime()).toBeGreaterThan(0);
    expect(anthropic).toMatchObject({
      format: 'anthropic',
      stream: true,
      model: 'claude-sonnet-4-6',
      status: 200,
      eventsWritten: 14,
    });
    expect(anthropic.headers['x-api-key']).toBeUndefined();
    expect(gemini).toMatchObject({ format: 'gemini', model: 'gemini-2.5-pro', query: {}, authPresent: true });
    expect(openai.id).toBeLessThan(anthropic.id);
  });

  it('records a failed authentication as authPresent false', async () => {
    await sut.post('/v1/chat/completions', { model: 'gpt-5.5', messages: [{ role: 'user', content: 'x' }] });
    const [entry] = await sut.requests();
    expect(entry).toMatchObject({ status: 401, authPresent: false, keySha256: null });
  });

  it('echoes x-request-id and names the log entry of each response', async () => {
    const response = await sut.openai(
      { model: 'gpt-5.5', messages: [{ role: 'user', content: 'x' }] },
      { 'x-request-id': 'trace-42' },
    );
    expect(response.headers.get('x-request-id')).toBe('trace-42');
    const [entry] = await sut.requests();
    expect(response.headers.get('x-mock-log-id')).toBe(String(entry.id));
  });

  it('records closedEarlyAt when a streaming client aborts', async () => {
    const controller = new AbortController();
    const response = await fetch(`${sut.url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: 'Bearer k',
        'x-mock-fault': '{"chunkDelayMs":100}',
      },
      body: JSON.stringify({
        model: 'gpt-5.5',
        stream: true,
        messages: [{ role: 'user', content: 'a long answer please' }],
      }),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();

    const entry = await waitFor(async () => {
      const [logged] = await sut.requests();
      return logged?.closedEarly === true ? logged : undefined;
    });
    expect(entry.completed).toBe(false);
    expect(entry.cutByFault).toBe(false);
    expect(new Date(entry.closedEarlyAt).getTime()).toBeGreaterThanOrEqual(new Date(entry.time).getTime());
    expect(entry.closedEarlyAfterMs).toBeGreaterThanOrEqual(0);
    expect(entry.eventsWritten).toBeLessThan(11);
  });

  it('filters the log with since, limit, format and model', async () => {
    for (const model of ['gpt-5.5', 'gpt-5.4', 'mistral-small-2603']) {
      await sut.openai({ model, messages: [{ role: 'user', content: 'x' }] });
    }
    const all = await sut.requests();
    expect((await sut.requests(`?since=${all[0].id}`)).map((entry) => entry.model)).toEqual([
      'gpt-5.4',
      'mistral-small-2603',
    ]);
    expect((await sut.requests('?limit=1')).map((entry) => entry.model)).toEqual(['mistral-small-2603']);
    expect((await sut.requests('?format=mistral')).map((entry) => entry.model)).toEqual([
      'mistral-small-2603',
    ]);
    expect((await sut.requests('?model=gpt-5.4')).map((entry) => entry.model)).toEqual(['gpt-5.4']);
  });

  it('reset clears the log and the fault rules', async () => {
    await sut.setFaults([{ status: 500 }]);
    expect((await sut.openai({ model: 'gpt-5.5', messages: [{ role: 'user', content: 'x' }] })).status).toBe(
      500,
    );
    await sut.reset();
    expect(await sut.requests()).toEqual([]);
    expect((await sut.get('/__mock/faults')).json.rules).toEqual([]);
    expect((await sut.openai({ model: 'gpt-5.5', messages: [{ role: 'user', content: 'x' }] })).status).toBe(
      200,
    );
  });

  it('appends rules with ?append=true and clears them with DELETE', async () => {
    await sut.setFaults([{ match: { model: 'a' }, status: 500 }]);
    await sut.post('/__mock/faults?append=true', [{ match: { model: 'b' }, status: 502 }]);
    expect(
      (await sut.get('/__mock/faults')).json.rules.map(
        (rule: { match: { model: string } }) => rule.match.model,
      ),
    ).toEqual(['a', 'b']);
    await fetch(`${sut.url}/__mock/faults`, { method: 'DELETE' });
    expect((await sut.get('/__mock/faults')).json.rules).toEqual([]);
  });

  it('keeps a bounded log', async () => {
    const small = await MockTestClient.start({ requestLogSize: 2 });
    try {
      for (const content of ['1', '2', '3'])
        await small.openai({ model: 'gpt-5.5', messages: [{ role: 'user', content }] });
      expect((await small.requests()).map((entry) => entry.body.messages[0].content)).toEqual(['2', '3']);
    } finally {
      await small.close();
    }
  });

  it('answers unknown paths with a 404', async () => {
    const response = await sut.post('/v1/unknown', {});
    expect(response.status).toBe(404);
    expect(response.json.error.code).toBe('unknown_url');
  });
});
