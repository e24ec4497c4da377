import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { MockTestClient, parseSse, sseJson } from '../__fixtures__/mock-test-client';

/** Codex CLI 0.171.0's real request (../shared/fixtures, with how it was captured). */
const codexRequest = JSON.parse(
  readFileSync(join(__dirname, '../../../../../shared/fixtures/codex-request.json'), 'utf8'),
) as { body: Record<string, unknown> };

const lookupTool = {
  type: 'function',
  name: 'lookup',
  description: 'Looks something up',
  parameters: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] },
  strict: true,
};

describe('mock provider: OpenAI Responses API', () => {
  let sut: MockTestClient;
  let client: OpenAI;
  const responses = (body: unknown, headers: Record<string, string> = {}) =>
    sut.post('/v1/responses', body, { authorization: 'Bearer sk-test-key', ...headers });

  beforeAll(async () => {
    sut = await MockTestClient.start();
    client = new OpenAI({ apiKey: 'sk-test', baseURL: `${sut.url}/v1`, maxRetries: 0 });
  });
  afterAll(async () => sut.close());
  beforeEach(async () => sut.reset());

  it('answers JSON with the deterministic text and Responses usage', async () => {
    const response = await client.responses.create({
      model: 'gpt-5.5',
      instructions: 'Be brief.',
      input: 'What is the capital of France?',
    });
    const text = 'Mock reply from gpt-5.5: What is the capital of France?';
    expect(response.object).toBe('response');
    expect(response.id).toMatch(/^resp_[0-9a-f]{50}$/);
    expect(response.status).toBe('completed');
    expect(response.output_text).toBe(text);
    expect(response.instructions).toBe('Be brief.');
    const prompt = Math.ceil(('Be brief.'.length + 'What is the capital of France?'.length) / 4) + 2 * 3;
    expect(response.usage).toEqual({
      input_tokens: prompt,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: Math.ceil(text.length / 4),
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: prompt + Math.ceil(text.length / 4),
    });
  });

  it('streams OpenAI’s event sequence with sequence numbers, and the SDK assembles it', async () => {
    const stream = client.responses.stream({
      model: 'gpt-5.5',
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'Hello there' }] }],
      reasoning: { effort: 'low', summary: 'auto' },
      include: ['reasoning.encrypted_content'],
      store: false,
    });
    const types: string[] = [];
    const sequence: number[] = [];
    for await (const event of stream) {
      types.push(event.type);
      sequence.push(event.sequence_number);
    }
    const final = await stream.finalResponse();
    expect(sequence).toEqual(types.map((_type, index) => index));
    expect(types[0]).toBe('response.created');
    expect(types[1]).toBe('response.in_progress');
    expect(types.at(-1)).toBe('response.completed');
    expect(types).toEqual(
      expect.arrayContaining([
        'response.output_item.added',
        'response.reasoning_summary_part.added',
        'response.reasoning_summary_text.delta',
        'response.reasoning_summary_text.done',
        'response.content_part.added',
        'response.output_text.delta',
        'response.output_text.done',
        'response.content_part.done',
        'response.output_item.done',
      ]),
    );
    const [reasoning, message] = final.output;
    expect(reasoning.type).toBe('reasoning');
    if (reasoning.type !== 'reasoning') throw new Error('expected reasoning');
    expect(reasoning.encrypted_content).toMatch(/^gAAAAAB/);
    expect(reasoning.summary[0].text).toContain('Mock reasoning from gpt-5.5');
    if (message.type !== 'message') throw new Error('expected a message');
    expect(message.content).toEqual([
      expect.objectContaining({ type: 'output_text', text: 'Mock reply from gpt-5.5: Hello there' }),
    ]);
    expect(final).toMatchObject({ store: false });
    expect(final.usage?.output_tokens_details.reasoning_tokens).toBe(32);
  });

  it('leaves encrypted_content out unless include asks for it', async () => {
    const response = await client.responses.create({
      model: 'gpt-5.5',
      input: 'Hello',
      reasoning: { effort: 'minimal' },
    });
    expect(response.output[0]).toEqual({ id: expect.stringMatching(/^rs_/), type: 'reasoning', summary: [] });
  });

  it('calls a function tool named in the ask, streaming its arguments', async () => {
    const response = await responses({
      model: 'gpt-5.5',
      stream: true,
      input: 'please call lookup',
      tools: [{ type: 'web_search' }, lookupTool],
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const framed = parseSse(response.text);
    for (const event of framed) expect(JSON.parse(event.data).type).toBe(event.event);
    const events = sseJson(response.text);
    const done = events.find((event) => event.type === 'response.function_call_arguments.done');
    const deltas = events
      .filter((event) => event.type === 'response.function_call_arguments.delta')
      .map((event) => event.delta)
      .join('');
    expect(deltas).toBe(done.arguments);
    const completed = events.at(-1);
    expect(completed.type).toBe('response.completed');
    expect(completed.response.output).toEqual([
      {
        id: expect.stringMatching(/^fc_/),
        type: 'function_call',
        call_id: expect.stringMatching(/^call_/),
        name: 'lookup',
        status: 'completed',
        arguments: done.arguments,
      },
    ]);
  });

  it('answers a function_call_output with text, so a tool round trip ends', async () => {
    const response = await client.responses.create({
      model: 'gpt-5.5',
      input: [
        { role: 'user', content: 'call lookup' },
        { type: 'function_call', call_id: 'call_1', name: 'lookup', arguments: '{"q":"x"}' },
        { type: 'function_call_output', call_id: 'call_1', output: 'forty two' },
      ],
      tools: [lookupTool as OpenAI.Responses.FunctionTool],
    });
    expect(response.output_text).toBe('Mock reply from gpt-5.5: tool result: forty two');
  });

  it('calls the tool the toolCall knob names with its arguments, as the chat formats do', async () => {
    const response = await client.responses.create({
      model: 'gpt-5.5',
      input: 'run it [[mock:{"toolCall":{"name":"lookup","arguments":{"q":"chosen"}}}]]',
      tools: [{ type: 'web_search' }, lookupTool as OpenAI.Responses.FunctionTool],
    });
    expect(response.output).toEqual([
      expect.objectContaining({ type: 'function_call', name: 'lookup', arguments: '{"q":"chosen"}' }),
    ]);
  });

  it('reads Codex’s real request: namespace tools, web_search, developer messages', async () => {
    const response = await responses(codexRequest.body);
    expect(response.status).toBe(200);
    const events = sseJson(response.text);
    const completed = events.at(-1);
    expect(completed.type).toBe('response.completed');
    expect(completed.response.store).toBe(false);
    expect(completed.response.output[0].type).toBe('reasoning');
    expect(completed.response.output[0].encrypted_content).toMatch(/^gAAAAAB/);
    expect(completed.response.usage.input_tokens).toBeGreaterThan(1000);
  });

  it('stops at max_output_tokens with status incomplete', async () => {
    const response = await responses({
      model: 'gpt-5.5',
      input: 'a long question here',
      max_output_tokens: 1,
      stream: true,
    });
    const last = sseJson(response.text).at(-1);
    expect(last.type).toBe('response.incomplete');
    expect(last.response.status).toBe('incomplete');
    expect(last.response.incomplete_details).toEqual({ reason: 'max_output_tokens' });
  });

  describe('fault knobs', () => {
    it('answers the status knob with OpenAI’s error envelope', async () => {
      const response = await responses(
        { model: 'gpt-5.5', input: 'hi' },
        { 'x-mock-fault': '{"status":429,"retryAfter":2}' },
      );
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('2');
      expect(response.json.error.code).toBe('rate_limit_exceeded');
    });

    it('ends the stream with an error event and response.failed after N events', async () => {
      const response = await responses(
        { model: 'gpt-5.5', input: 'hi', stream: true },
        { 'x-mock-fault': '{"errorAfterChunks":2,"message":"boom"}' },
      );
      const events = sseJson(response.text);
      expect(events.map((event) => event.type)).toEqual([
        'response.created',
        'response.in_progress',
        'error',
        'response.failed',
      ]);
      expect(events[2]).toEqual({
        type: 'error',
        sequence_number: 2,
        error: { type: 'server_error', code: 'server_error', message: 'boom', param: null },
      });
      expect(events[3].response.error).toEqual({ code: 'server_error', message: 'boom' });
    });

    it('inserts a malformed event and cuts the stream mid-way', async () => {
      const malformed = await responses(
        { model: 'gpt-5.5', input: 'hi', stream: true },
        { 'x-mock-fault': '{"malformedChunkAt":3}' },
      );
      const third = parseSse(malformed.text)[2];
      expect(() => JSON.parse(third.data) as unknown).toThrow();

      await sut.setFaults([{ match: { model: 'gpt-5.5' }, cutAfterChunks: 3, times: 1 }]);
      const cut = await fetch(`${sut.url}/v1/responses`, {
        method: 'POST',
        headers: { authorization: 'Bearer sk-test-key', 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-5.5', input: 'hi', stream: true }),
      });
      await expect(cut.text()).rejects.toThrow();
      const entries = await sut.requests();
      expect(entries.map((entry) => [entry.endpoint, entry.cutByFault])).toEqual(
        expect.arrayContaining([['responses', true]]),
      );
    });
  });

  it('rejects bad requests with OpenAI’s 400 envelope', async () => {
    const noInput = await responses({ model: 'gpt-5.5' });
    expect(noInput.status).toBe(400);
    expect(noInput.json.error).toEqual({
      message: "Missing required parameter: 'input'.",
      type: 'invalid_request_error',
      param: 'input',
      code: 'missing_required_parameter',
    });
    const badRole = await responses({ model: 'gpt-5.5', input: [{ role: 'tool', content: 'x' }] });
    expect(badRole.status).toBe(400);
    expect(badRole.json.error.param).toBe('input[0].role');
    const noKey = await sut.post('/v1/responses', { model: 'gpt-5.5', input: 'hi' });
    expect(noKey.status).toBe(401);
  });
});
