import { MockTestClient, parseSse, readUntilBroken, sseJson } from './__fixtures__/mock-test-client';

const chat = (content: string, extra: Record<string, unknown> = {}) => ({
  model: 'gpt-5.5',
  messages: [{ role: 'user', content }],
  ...extra,
});

describe('mock provider: fault and latency knobs', () => {
  let sut: MockTestClient;

  beforeAll(async () => {
    sut = await MockTestClient.start();
  });
  afterAll(async () => sut.close());
  beforeEach(async () => sut.reset());

  it('answers the status knob with the provider error body and a retry-after header', async () => {
    const fault = { 'x-mock-fault': JSON.stringify({ status: 429, retryAfter: 7 }) };
    const openai = await sut.openai(chat('hi'), fault);
    expect(openai.status).toBe(429);
    expect(openai.headers.get('retry-after')).toBe('7');
    expect(openai.json.error).toMatchObject({ type: 'requests', code: 'rate_limit_exceeded' });

    const anthropic = await sut.anthropic(
      { model: 'claude-sonnet-4-6', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] },
      fault,
    );
    expect(anthropic.status).toBe(429);
    expect(anthropic.headers.get('retry-after')).toBe('7');
    expect(anthropic.json).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });

    const gemini = await sut.post(
      '/v1beta/models/gemini-2.5-pro:generateContent',
      { contents: [{ parts: [{ text: 'x' }] }] },
      { ...fault, 'x-goog-api-key': 'k' },
    );
    expect(gemini.json).toEqual({
      error: { code: 429, message: expect.any(String), status: 'RESOURCE_EXHAUSTED' },
    });

    const mistral = await sut.openai(
      { ...chat('x'), model: 'mistral-small-2603' },
      { 'x-mock-fault': '{"status":503,"message":"busy"}' },
    );
    expect(mistral.status).toBe(503);
    expect(mistral.json).toEqual({
      object: 'error',
      message: 'busy',
      type: 'internal_server_error',
      param: null,
      code: null,
    });
  });

  it('takes knobs from a [[mock:{…}]] directive in the last user message', async () => {
    const response = await sut.openai(chat('hello [[mock:{"status":500}]]'));
    expect(response.status).toBe(500);
    expect(response.json.error.type).toBe('server_error');
    const replaced = await sut.openai(chat('hello [[mock:{"reply":"exactly this"}]]'));
    expect(replaced.json.choices[0].message.content).toBe('exactly this');
    const [, entry] = await sut.requests();
    expect(entry.fault).toEqual({ reply: 'exactly this' });
  });

  it('lets the directive win over the header and the header over a rule', async () => {
    await sut.setFaults([{ status: 500 }]);
    expect((await sut.openai(chat('x'), { 'x-mock-fault': '{"status":502}' })).status).toBe(502);
    expect(
      (await sut.openai(chat('x [[mock:{"status":503}]]'), { 'x-mock-fault': '{"status":502}' })).status,
    ).toBe(503);
    expect((await sut.openai(chat('x'))).status).toBe(500);
  });

  it('applies a times-limited rule to the next N matching requests only', async () => {
    const set = await sut.setFaults({
      rules: [{ match: { model: 'gpt-5.5' }, times: 2, fault: { status: 429, retryAfter: 1 } }],
    });
    expect(set.json.rules[0]).toMatchObject({ remaining: 2, fault: { status: 429, retryAfter: 1 } });
    expect((await sut.openai(chat('x'), {})).status).toBe(429);
    expect((await sut.openai({ ...chat('x'), model: 'gpt-5.4' })).status).toBe(200);
    expect((await sut.openai(chat('x'))).status).toBe(429);
    expect((await sut.openai(chat('x'))).status).toBe(200);
    expect((await sut.get('/__mock/faults')).json.rules).toEqual([]);
  });

  it('matches rules by model regex and by format', async () => {
    await sut.setFaults([
      { match: { model: '/^claude-opus/' }, status: 529 },
      { match: { format: 'mistral' }, status: 503 },
    ]);
    const opus = await sut.anthropic({
      model: 'claude-opus-4-8',
      max_tokens: 5,
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(opus.status).toBe(529);
    expect(opus.json.error.type).toBe('overloaded_error');
    const sonnet = await sut.anthropic({
      model: 'claude-sonnet-4-6',
      max_tokens: 5,
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(sonnet.status).toBe(200);
    expect((await sut.openai({ ...chat('x'), model: 'mistral-small-2603' })).status).toBe(503);
    expect((await sut.openai(chat('x'))).status).toBe(200);
  });

  it('rejects invalid fault rules and an invalid x-mock-fault header with a 400', async () => {
    const rules = await sut.setFaults([{ match: { format: 'cohere' } }]);
    expect(rules.status).toBe(400);
    expect(rules.json.error).toContain('format');
    const header = await sut.openai(chat('x'), { 'x-mock-fault': '{"statu":429}' });
    expect(header.status).toBe(400);
    expect(header.json.error.message).toContain('x-mock-fault');
  });

  it('ends an OpenAI-style stream without [DONE] when omitDone is set, the finish and usage intact', async () => {
    const body = chat('stream without an end marker', {
      stream: true,
      stream_options: { include_usage: true },
    });
    const response = await sut.openai(body, { 'x-mock-fault': '{"omitDone":true}' });

    expect(response.status).toBe(200);
    expect(response.text).not.toContain('[DONE]');
    const events = sseJson(response.text);
    expect(events.some((event) => event.choices?.[0]?.finish_reason === 'stop')).toBe(true);
    expect(events.at(-1).usage.completion_tokens).toBeGreaterThan(0);
  });

  it('cuts the socket after N stream events', async () => {
    const response = await fetch(`${sut.url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: 'Bearer k',
        'x-mock-fault': '{"cutAfterChunks":3}',
      },
      body: JSON.stringify(chat('a longer message to stream', { stream: true })),
    });
    expect(response.status).toBe(200);
    const { text, broken } = await readUntilBroken(response);
    expect(broken).toBe(true);
    expect(parseSse(text)).toHaveLength(3);
    expect(text).not.toContain('[DONE]');
    const [entry] = await sut.requests();
    expect(entry).toMatchObject({ cutByFault: true, eventsWritten: 3, closedEarly: false, completed: false });
  });

  it('cuts a JSON response after the headers when cutAfterChunks is 0', async () => {
    const response = await fetch(`${sut.url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: 'Bearer k',
        'x-mock-fault': '{"cutAfterChunks":0}',
      },
      body: JSON.stringify(chat('x')),
    });
    await expect(response.text()).rejects.toThrow();
  });

  it('inserts a malformed event so that it is the Nth event of the stream', async () => {
    const response = await sut.anthropic(
      {
        model: 'claude-sonnet-4-6',
        max_tokens: 50,
        stream: true,
        messages: [{ role: 'user', content: 'x' }],
      },
      { 'x-mock-fault': '{"malformedChunkAt":4}' },
    );
    const events = parseSse(response.text);
    expect(events).toHaveLength(8 + 6 + 1);
    events.forEach((event, index) => {
      if (index === 3) expect(() => JSON.parse(event.data)).toThrow();
      else expect(() => JSON.parse(event.data)).not.toThrow();
    });
  });

  it('delays the first byte by latencyMs and spaces events by ttftMs and chunkDelayMs', async () => {
    let started = Date.now();
    await sut.openai(chat('x'), { 'x-mock-fault': '{"latencyMs":120}' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);

    started = Date.now();
    const response = await fetch(`${sut.url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: 'Bearer k',
        'x-mock-fault': '{"ttftMs":80,"chunkDelayMs":15,"chunks":4}',
      },
      body: JSON.stringify(chat('hello there', { stream: true })),
    });
    // the headers leave at once and the first event ttftMs after them: when the headers are in,
    // the first event is still on its way (an ordering, not a deadline)
    const reader = response.body!.getReader();
    const firstRead = reader.read();
    const whenHeadersArrived = await Promise.race([
      firstRead.then(() => 'first event already there'),
      new Promise<string>((resolve) => setImmediate(() => resolve('first event still on its way'))),
    ]);
    expect(whenHeadersArrived).toBe('first event still on its way');
    const decoder = new TextDecoder();
    let text = '';
    for (let piece = await firstRead; !piece.done; piece = await reader.read()) {
      text += decoder.decode(piece.value, { stream: true });
    }
    const total = Date.now() - started;
    const events = parseSse(text);
    expect(events).toHaveLength(1 + 4 + 1 + 1);
    expect(total).toBeGreaterThanOrEqual(80 + (events.length - 1) * 15 - 10);
  });

  it('uses the run-wide MOCK_LATENCY_MS and MOCK_CHUNK_DELAY_MS defaults', async () => {
    const slow = await MockTestClient.start({ latencyMs: 100, chunkDelayMs: 10, streamChunks: 2 });
    try {
      const started = Date.now();
      const response = await slow.openai(chat('x', { stream: true }));
      expect(sseJson(response.text)).toHaveLength(1 + 2 + 1);
      expect(Date.now() - started).toBeGreaterThanOrEqual(100 + 4 * 10 - 10);
    } finally {
      await slow.close();
    }
  });

  it('honours the chunks knob', async () => {
    const response = await sut.openai(chat('hello', { stream: true }), { 'x-mock-fault': '{"chunks":2}' });
    expect(sseJson(response.text)).toHaveLength(1 + 2 + 1);
  });

  it('calls the tool the toolCall knob names with its arguments in every format, and answers its result with text', async () => {
    const knob = '[[mock:{"toolCall":{"name":"exec_command","arguments":{"cmd":"echo hi"}}}]]';
    const schema = { type: 'object', properties: { cmd: { type: 'string' } }, required: ['cmd'] };
    const openai = await sut.openai({
      ...chat(`do it ${knob}`),
      tools: [
        { type: 'function', function: { name: 'view_image', parameters: schema } },
        { type: 'function', function: { name: 'exec_command', parameters: schema } },
      ],
    });
    expect(openai.json.choices[0].finish_reason).toBe('tool_calls');
    expect(openai.json.choices[0].message.tool_calls[0].function).toEqual({
      name: 'exec_command',
      arguments: '{"cmd":"echo hi"}',
    });
    const openAiResult = await sut.openai({
      model: 'gpt-5.5',
      messages: [
        { role: 'user', content: `do it ${knob}` },
        {
          role: 'assistant',
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'exec_command', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'hi' },
      ],
      tools: [{ type: 'function', function: { name: 'exec_command', parameters: schema } }],
    });
    expect(openAiResult.json.choices[0].message.content).toBe('Mock reply from gpt-5.5: tool result: hi');

    const anthropic = await sut.anthropic({
      model: 'claude-sonnet-4-6',
      max_tokens: 100,
      messages: [{ role: 'user', content: `go ${knob}` }],
      tools: [{ name: 'exec_command', input_schema: schema }],
      tool_choice: { type: 'none' },
    });
    expect(anthropic.json.stop_reason).toBe('tool_use');
    expect(anthropic.json.content).toEqual([
      expect.objectContaining({ type: 'tool_use', name: 'exec_command', input: { cmd: 'echo hi' } }),
    ]);

    const gemini = await sut.post(
      '/v1beta/models/gemini-2.5-pro:generateContent',
      {
        contents: [
          {
            role: 'user',
            parts: [
              { text: 'context' },
              {
                text: `go ${knob.replace('exec_command', 'read_file').replace('"cmd":"echo hi"', '"file_path":"notes.txt"')}`,
              },
            ],
          },
        ],
        tools: [
          {
            functionDeclarations: [
              {
                name: 'read_file',
                parametersJsonSchema: { type: 'object', properties: { file_path: { type: 'string' } } },
              },
            ],
          },
        ],
      },
      { 'x-goog-api-key': 'k' },
    );
    expect(gemini.json.candidates[0].content.parts).toEqual([
      expect.objectContaining({
        functionCall: expect.objectContaining({ name: 'read_file', args: { file_path: 'notes.txt' } }),
      }),
    ]);
  });

  it('answers a toolCall knob naming a tool the request does not offer with a 400 in the provider format', async () => {
    const response = await sut.openai({
      ...chat('x [[mock:{"toolCall":{"name":"rm_rf"}}]]'),
      tools: [{ type: 'function', function: { name: 'view_image', parameters: { type: 'object' } } }],
    });

    expect(response.status).toBe(400);
    expect(response.json.error.message).toBe(
      'toolCall: the request offers no tool "rm_rf" (offered: view_image)',
    );
  });

  it('maps safetyBlock to content_filter (OpenAI) and refusal (Anthropic)', async () => {
    const openai = await sut.openai(chat('x [[mock:{"safetyBlock":true}]]'));
    expect(openai.json.choices[0]).toMatchObject({
      finish_reason: 'content_filter',
      message: { content: null },
    });
    const anthropic = await sut.anthropic({
      model: 'claude-sonnet-4-6',
      max_tokens: 5,
      messages: [{ role: 'user', content: 'x [[mock:{"safetyBlock":true}]]' }],
    });
    expect(anthropic.json).toMatchObject({ stop_reason: 'refusal', content: [] });
  });
});

describe('mock provider: in-stream errors', () => {
  let sut: MockTestClient;

  beforeAll(async () => {
    sut = await MockTestClient.start();
  });
  afterAll(async () => sut.close());

  it("ends the stream after N events with each provider's in-stream error event", async () => {
    const fault = { 'x-mock-fault': '{"errorAfterChunks":2,"message":"boom"}' };
    const openai = await sut.openai(chat('x', { stream: true }), fault);
    const openaiEvents = parseSse(openai.text);
    expect(openaiEvents).toHaveLength(3);
    expect(JSON.parse(openaiEvents[2].data)).toEqual({
      error: { message: 'boom', type: 'server_error', param: null, code: null },
    });

    const anthropic = await sut.anthropic(
      { model: 'claude-sonnet-4-6', max_tokens: 5, stream: true, messages: [{ role: 'user', content: 'x' }] },
      fault,
    );
    const anthropicEvents = parseSse(anthropic.text);
    expect(anthropicEvents.map((event) => event.event)).toEqual([
      'message_start',
      'content_block_start',
      'error',
    ]);
    expect(JSON.parse(anthropicEvents[2].data)).toEqual({
      type: 'error',
      error: { type: 'overloaded_error', message: 'boom' },
    });

    const gemini = await sut.post(
      '/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse',
      { contents: [{ parts: [{ text: 'x' }] }] },
      { ...fault, 'x-goog-api-key': 'k' },
    );
    expect(JSON.parse(parseSse(gemini.text)[2].data)).toEqual({
      error: { code: 500, message: 'boom', status: 'INTERNAL' },
    });

    const array = await sut.post(
      '/v1beta/models/gemini-2.5-pro:streamGenerateContent',
      { contents: [{ parts: [{ text: 'x' }] }] },
      {
        'x-goog-api-key': 'k',
        'x-mock-fault': '{"errorAfterChunks":0}',
      },
    );
    expect(array.json).toEqual([{ error: { code: 500, message: expect.any(String), status: 'INTERNAL' } }]);
  });
});
