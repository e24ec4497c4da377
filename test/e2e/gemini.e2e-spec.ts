import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Content, type GenerateContentResponse, GoogleGenAI, Type } from '@google/genai';
import { MockControl, TEST_MASTER_KEY, TestFleet } from '@switchyard/testing';
import { buildToolArguments } from '../../apps/mock-provider/src/shared/tool-arguments';

interface UsageRow {
  request_id: string;
  endpoint: string;
  model_group: string;
  model: string;
  stream: boolean;
  router: string | null;
  tier: string | null;
  route_cause: string | null;
  input_tokens: number;
  input_cache_read_tokens: number;
  output_tokens: number;
  output_reasoning_tokens: number;
}

interface GeminiError {
  error: { code: number; message: string; status: string };
}

const REPO_ROOT = join(__dirname, '..', '..');
const NO_CACHE = { 'cache-control': 'no-cache, no-store' };

/** Gemini CLI 0.61.0's first request (../shared/fixtures/README.md), used as it was captured. */
const geminiCliRequest = JSON.parse(
  readFileSync(join(REPO_ROOT, '..', 'shared', 'fixtures', 'gemini-cli-request.json'), 'utf8'),
) as { url: string; headers: Record<string, string>; body: Record<string, unknown> };

const weatherSchema = {
  type: 'object',
  properties: {
    city: { type: 'string' },
    unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
  },
  required: ['city', 'unit'],
};
/** Google's own `Schema` form of the same parameters (upper-case types). */
const weatherGoogleSchema = {
  type: Type.OBJECT,
  properties: {
    city: { type: Type.STRING },
    unit: { type: Type.STRING, enum: ['celsius', 'fahrenheit'] },
  },
  required: ['city', 'unit'],
};
/** What the mock puts in a tool call (apps/mock-provider/README.md). */
const expectedArgs = buildToolArguments(weatherSchema);
const toolAsk = 'What is the weather in Paris? Use get_weather please.';
const toolResult = 'Sunny and 21 degrees in Paris';

/** One model of every provider kind of config/demo.yaml, and a router. */
const MODELS: readonly [string, string][] = [
  ['openai', 'gpt-5.4-mini'],
  ['anthropic', 'claude-sonnet-4-6'],
  ['gemini', 'gemini-2.5-pro'],
  ['mistral', 'mistral-small-4'],
  ['opencodego', 'opencode-glm-5'],
  ['router', 'opencodego-router'],
];

function callIdOf(response: GenerateContentResponse): string {
  const id = response.sdkHttpResponse?.headers?.['x-litellm-call-id'];
  expect(id).toBeDefined();
  return id!;
}

interface MalformedCase {
  name: string;
  /** default: generateContent on gpt-5.4-mini. */
  path?: string;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  status: number;
  googleStatus: string;
}

const text = (value: string) => ({ parts: [{ text: value }] });
const valid = { contents: [text('hello')] };

/** Malformed requests on the Gemini surface: each gets the right status and Google's error envelope. */
const MALFORMED: MalformedCase[] = [
  { name: 'empty body', raw: '', status: 400, googleStatus: 'INVALID_ARGUMENT' },
  { name: 'invalid JSON', raw: '{"contents": [', status: 400, googleStatus: 'INVALID_ARGUMENT' },
  { name: 'a JSON array', body: [valid], status: 400, googleStatus: 'INVALID_ARGUMENT' },
  { name: 'a JSON string', body: 'hello', status: 400, googleStatus: 'INVALID_ARGUMENT' },
  { name: 'missing contents', body: { generationConfig: {} }, status: 400, googleStatus: 'INVALID_ARGUMENT' },
  { name: 'empty contents', body: { contents: [] }, status: 400, googleStatus: 'INVALID_ARGUMENT' },
  {
    name: 'contents is an object',
    body: { contents: text('hi') },
    status: 400,
    googleStatus: 'INVALID_ARGUMENT',
  },
  {
    name: 'a content without parts',
    body: { contents: [{ role: 'user' }] },
    status: 400,
    googleStatus: 'INVALID_ARGUMENT',
  },
  { name: 'empty parts', body: { contents: [{ parts: [] }] }, status: 400, googleStatus: 'INVALID_ARGUMENT' },
  {
    name: 'a part with no data',
    body: { contents: [{ parts: [{}] }] },
    status: 400,
    googleStatus: 'INVALID_ARGUMENT',
  },
  {
    name: 'a part with two kinds of data',
    body: { contents: [{ parts: [{ text: 'a', functionCall: { name: 'f' } }] }] },
    status: 400,
    googleStatus: 'INVALID_ARGUMENT',
  },
  {
    name: 'text is a number',
    body: { contents: [{ parts: [{ text: 1 }] }] },
    status: 400,
    googleStatus: 'INVALID_ARGUMENT',
  },
  {
    name: 'role "assistant"',
    body: { contents: [{ role: 'assistant', parts: [{ text: 'hi' }] }] },
    status: 400,
    googleStatus: 'INVALID_ARGUMENT',
  },
  {
    name: 'a functionCall without a name',
    body: { contents: [{ role: 'model', parts: [{ functionCall: { args: {} } }] }, text('hi')] },
    status: 400,
    googleStatus: 'INVALID_ARGUMENT',
  },
  {
    name: 'a functionResponse whose response is a string',
    body: { contents: [{ parts: [{ functionResponse: { name: 'f', response: 'ok' } }] }] },
    status: 400,
    googleStatus: 'INVALID_ARGUMENT',
  },
  {
    name: 'inlineData without mimeType',
    body: { contents: [{ parts: [{ inlineData: { data: 'AAAA' } }] }] },
    status: 400,
    googleStatus: 'INVALID_ARGUMENT',
  },
  {
    name: 'an executableCode part',
    body: { contents: [{ parts: [{ executableCode: { language: 'PYTHON', code: 'print(1)' } }] }] },
    status: 400,
    googleStatus: 'INVALID_ARGUMENT',
  },
  {
    name: 'temperature 3',
    body: { ...valid, generationConfig: { temperature: 3 } },
    status: 400,
    googleStatus: 'INVALID_ARGUMENT',
  },
  {
    name: 'topP 2',
    body: { ...valid, generationConfig: { topP: 2 } },
    status: 400,
    googleStatus: 'INVALID_ARGUMENT',
  },
  {
    name: 'maxOutputTokens 0',
    body: { ...valid, generationConfig: { maxOutputTokens: 0 } },
    status: 400,
    googleStatus: 'INVALID_ARGUMENT',
  },
  {
    name: 'candidateCount 2',
    body: { ...valid, generationConfig: { candidateCount: 2 } },
    status: 400,
    googleStatus: 'INVALID_ARGUMENT',
  },
  {
    name: 'six stop sequences',
    body: { ...valid, generationConfig: { stopSequences: ['a', 'b', 'c', 'd', 'e', 'f'] } },
    status: 400,
    googleStatus: 'INVALID_ARGUMENT',
  },
  {
    name: 'thinkingBudget -5',
    body: { ...valid, generationConfig: { thinkingConfig: { thinkingBudget: -5 } } },
    status: 400,
    googleStatus: 'INVALID_ARGUMENT',
  },
  {
    name: 'an unknown function calling mode',
    body: {
      ...valid,
      tools: [{ functionDeclarations: [{ name: 'f' }] }],
      toolConfig: { functionCallingConfig: { mode: 'SOMETIMES' } },
    },
    status: 400,
    googleStatus: 'INVALID_ARGUMENT',
  },
  {
    name: 'allowedFunctionNames naming an undeclared function',
    body: {
      ...valid,
      tools: [{ functionDeclarations: [{ name: 'f' }] }],
      toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['g'] } },
    },
    status: 400,
    googleStatus: 'INVALID_ARGUMENT',
  },
  {
    name: 'a function declaration without a name',
    body: { ...valid, tools: [{ functionDeclarations: [{ description: 'x' }] }] },
    status: 400,
    googleStatus: 'INVALID_ARGUMENT',
  },
  {
    name: 'cachedContent',
    body: { ...valid, cachedContent: 'cachedContents/abc' },
    status: 400,
    googleStatus: 'INVALID_ARGUMENT',
  },
  {
    name: 'an empty systemInstruction',
    body: { ...valid, systemInstruction: { parts: [] } },
    status: 400,
    googleStatus: 'INVALID_ARGUMENT',
  },
  {
    name: 'an unknown model',
    path: '/v1beta/models/gemini-0.1-nano:generateContent',
    body: valid,
    status: 404,
    googleStatus: 'NOT_FOUND',
  },
  {
    name: 'an unknown method',
    path: '/v1beta/models/gpt-5.4-mini:predict',
    body: valid,
    status: 404,
    googleStatus: 'NOT_FOUND',
  },
  {
    name: 'countTokens without contents',
    path: '/v1beta/models/gpt-5.4-mini:countTokens',
    body: {},
    status: 400,
    googleStatus: 'INVALID_ARGUMENT',
  },
  {
    name: 'no key',
    body: valid,
    headers: { 'x-goog-api-key': '' },
    status: 401,
    googleStatus: 'UNAUTHENTICATED',
  },
  {
    name: 'a wrong key',
    body: valid,
    headers: { 'x-goog-api-key': 'sk-not-a-key' },
    status: 401,
    googleStatus: 'UNAUTHENTICATED',
  },
];

describe('Gemini API end to end (@google/genai, demo fleet)', () => {
  let fleet: TestFleet;
  let mock: MockControl;
  let client: GoogleGenAI;

  beforeAll(async () => {
    fleet = await TestFleet.start();
    mock = new MockControl(fleet.mockUrl);
    client = new GoogleGenAI({
      apiKey: TEST_MASTER_KEY,
      // the SDK's own no-timeout dispatcher reads Undici's global dispatcher from `globalThis`, which
      // Jest's sandbox does not share with Node's fetch; handing it fetch uses Node's dispatcher
      httpOptions: { baseUrl: fleet.baseUrl, headers: NO_CACHE, fetch },
    });
  });

  afterAll(async () => {
    await fleet?.stop();
  });

  const usageRowsOf = (requestId: string, count = 1) => fleet.usageRowsOf<UsageRow>(requestId, count);

  function post(path: string, body: unknown, headers: Record<string, string> = {}) {
    return fetch(`${fleet.baseUrl}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-goog-api-key': TEST_MASTER_KEY,
        ...NO_CACHE,
        ...headers,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  describe.each(MODELS)('%s: %s', (_kind, model) => {
    it('generateContent: a function call round trip, with a usage row for endpoint gemini', async () => {
      const tools = [
        {
          functionDeclarations: [
            { name: 'get_weather', description: 'The weather', parametersJsonSchema: weatherSchema },
          ],
        },
      ];
      const first = await client.models.generateContent({ model, contents: toolAsk, config: { tools } });

      const candidate = first.candidates![0];
      expect(candidate.finishReason).toBe('STOP');
      expect(candidate.content!.role).toBe('model');
      const call = candidate.content!.parts!.find((part) => part.functionCall)!.functionCall!;
      expect(call).toMatchObject({ name: 'get_weather', args: expectedArgs });
      expect(first.functionCalls).toHaveLength(1);
      expect(first.usageMetadata!.promptTokenCount).toBeGreaterThan(0);
      expect(first.usageMetadata!.candidatesTokenCount).toBeGreaterThan(0);
      expect(first.usageMetadata!.totalTokenCount).toBe(
        first.usageMetadata!.promptTokenCount! +
          first.usageMetadata!.candidatesTokenCount! +
          (first.usageMetadata!.thoughtsTokenCount ?? 0),
      );
      expect(first.modelVersion).toBeTruthy();
      expect(first.responseId).toBeTruthy();
      expect(first.sdkHttpResponse!.headers!['x-litellm-model-group']).toBe(model);
      const rows = await usageRowsOf(callIdOf(first));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ endpoint: 'gemini', model_group: model, stream: false });
      expect(rows[0].input_tokens).toBe(first.usageMetadata!.promptTokenCount);
      expect(rows[0].output_tokens).toBe(
        first.usageMetadata!.candidatesTokenCount! + (first.usageMetadata!.thoughtsTokenCount ?? 0),
      );

      const history: Content[] = [
        { role: 'user', parts: [{ text: toolAsk }] },
        candidate.content!,
        {
          role: 'user',
          parts: [
            { functionResponse: { name: 'get_weather', id: call.id, response: { output: toolResult } } },
          ],
        },
      ];
      const second = await client.models.generateContent({ model, contents: history, config: { tools } });
      // (Gemini deployments get the response object as it was sent, so the mock quotes its JSON)
      expect(second.text).toMatch(/^Mock reply from .+: tool result: /);
      expect(second.text).toContain(toolResult);
      expect(second.candidates![0].finishReason).toBe('STOP');
    });

    it('generateContentStream: text events, the last with finishReason and usageMetadata', async () => {
      const stream = await client.models.generateContentStream({
        model,
        contents: `Hello from the Gemini stream test to ${model}`,
      });
      const chunks: GenerateContentResponse[] = [];
      for await (const chunk of stream) chunks.push(chunk);

      expect(chunks.length).toBeGreaterThan(1);
      const text = chunks.map((chunk) => chunk.text ?? '').join('');
      expect(text).toMatch(/^Mock reply from .+: Hello from the Gemini stream test to /);
      const last = chunks.at(-1)!;
      expect(last.candidates![0].finishReason).toBe('STOP');
      expect(last.usageMetadata!.candidatesTokenCount).toBeGreaterThan(0);
      const rows = await usageRowsOf(callIdOf(chunks[0]));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ endpoint: 'gemini', model_group: model, stream: true });
      expect(rows[0].input_tokens).toBe(last.usageMetadata!.promptTokenCount);
    });
  });

  it('takes Google Schema parameters, toolConfig ANY and thought parts with includeThoughts (Gemini deployment)', async () => {
    const response = await client.models.generateContent({
      model: 'gemini-2.5-pro',
      contents: 'Tell me something',
      config: {
        tools: [{ functionDeclarations: [{ name: 'get_weather', parameters: weatherGoogleSchema }] }],
        toolConfig: {
          functionCallingConfig: { mode: 'ANY' as never, allowedFunctionNames: ['get_weather'] },
        },
        thinkingConfig: { includeThoughts: true, thinkingBudget: 4096 },
      },
    });
    const parts = response.candidates![0].content!.parts!;
    expect(parts.find((part) => part.thought)?.text).toMatch(/^Mock reasoning from/);
    expect(parts.find((part) => part.functionCall)?.functionCall).toMatchObject({
      name: 'get_weather',
      args: expectedArgs,
    });
    expect(response.usageMetadata!.thoughtsTokenCount).toBeGreaterThan(0);
  });

  it('passes safetySettings to Gemini deployments and leaves them out for every other provider', async () => {
    const safetySettings = [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_ONLY_HIGH' }];
    const bodies: Record<string, Record<string, unknown>> = {};
    for (const model of ['gemini-3.5-flash', 'gpt-5.4', 'claude-haiku-4-5']) {
      const ask = `safety settings check for ${model}`;
      const response = await post(`/v1beta/models/${model}:generateContent`, {
        contents: [{ role: 'user', parts: [{ text: ask }] }],
        safetySettings,
      });
      expect(response.status).toBe(200);
      const entry = (await mock.requests()).find((request) => JSON.stringify(request.body).includes(ask))!;
      bodies[model] = entry.body as Record<string, unknown>;
    }
    expect(bodies['gemini-3.5-flash'].safetySettings).toEqual(safetySettings);
    for (const model of ['gpt-5.4', 'claude-haiku-4-5']) {
      expect(JSON.stringify(bodies[model])).not.toContain('HARM_CATEGORY');
    }
  });

  it('hands a Gemini deployment’s safetyRatings and finishReason back as Google sent them, to Gemini clients only', async () => {
    // what the mock's Gemini route rates every finished answer (apps/mock-provider/src/gemini)
    const passed = ['SEXUALLY_EXPLICIT', 'HATE_SPEECH', 'HARASSMENT', 'DANGEROUS_CONTENT'].map((name) => ({
      category: `HARM_CATEGORY_${name}`,
      probability: 'NEGLIGIBLE',
    }));
    const whole = await client.models.generateContent({
      model: 'gemini-2.5-pro',
      contents: 'Rate this answer for safety please',
    });
    expect(whole.candidates![0].finishReason).toBe('STOP');
    expect(whole.candidates![0].safetyRatings).toEqual(passed);

    const stream = await client.models.generateContentStream({
      model: 'gemini-2.5-pro',
      contents: 'Rate this streamed answer for safety please',
    });
    const chunks: GenerateContentResponse[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.at(-1)!.candidates![0].finishReason).toBe('STOP');
    expect(chunks.at(-1)!.candidates![0].safetyRatings).toEqual(passed);

    // another provider's answer has no ratings to hand back
    const openai = await client.models.generateContent({
      model: 'gpt-5.4-mini',
      contents: 'No ratings here',
    });
    expect(openai.candidates![0].safetyRatings).toBeUndefined();

    // and the OpenAI surface keeps the Gemini-only fields to itself
    const chat = await fetch(`${fleet.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${TEST_MASTER_KEY}`,
        ...NO_CACHE,
      },
      body: JSON.stringify({
        model: 'gemini-2.5-pro',
        messages: [{ role: 'user', content: 'OpenAI client here' }],
      }),
    });
    expect(chat.status).toBe(200);
    const text = await chat.text();
    expect(text).toContain('Mock reply from gemini-2.5-pro');
    expect(text).not.toContain('provider_fields');
    expect(text).not.toContain('HARM_CATEGORY');
  });

  it('countTokens and models.list / models.get', async () => {
    const count = await client.models.countTokens({
      model: 'opencodego-router',
      contents: 'How many tokens is this sentence?',
    });
    expect(count.totalTokens).toBeGreaterThan(0);

    const pager = await client.models.list();
    const names: string[] = [];
    for await (const model of pager) names.push(model.name!);
    expect(names).toEqual(
      expect.arrayContaining(MODELS.map(([, model]) => `models/${model}`).concat('models/frontier-router')),
    );
    const one = await client.models.get({ model: 'gemini-2.5-pro' });
    expect(one).toMatchObject({ name: 'models/gemini-2.5-pro' });
    expect(one.supportedActions).toEqual(expect.arrayContaining(['generateContent', 'countTokens']));
  });

  it('frames alt=sse streams as Google does: data: <json>\\r\\n\\r\\n, nothing else', async () => {
    const response = await post('/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse', {
      contents: [{ parts: [{ text: 'Frame this stream for me please' }] }],
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const body = await response.text();
    expect(body).toMatch(/^(data: \{[^\r\n]*\}\r\n\r\n)+$/);
    const events = body
      .split('\r\n\r\n')
      .filter((frame) => frame !== '')
      .map((frame) => JSON.parse(frame.slice('data: '.length)) as Record<string, unknown>);
    // Google's key order, as in the recorded streams
    expect(Object.keys(events[0])).toEqual(['candidates', 'modelVersion', 'responseId']);
    expect(Object.keys(events.at(-1)!)).toEqual([
      'candidates',
      'usageMetadata',
      'modelVersion',
      'responseId',
    ]);
  });

  it('streams one JSON array without alt=sse, and takes the key from ?key= on the /v1 path', async () => {
    const response = await fetch(
      `${fleet.baseUrl}/v1/models/models/gpt-5.4-mini:streamGenerateContent?key=${TEST_MASTER_KEY}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...NO_CACHE },
        body: JSON.stringify({ contents: [{ parts: [{ text: 'An array stream please' }] }] }),
      },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=UTF-8');
    const body = await response.text();
    expect(body).toMatch(/^\[\{.*\}(,\r\n\{.*\})*\]$/s);
    const events = JSON.parse(body) as { candidates: { content: { parts: { text: string }[] } }[] }[];
    expect(events.map((event) => event.candidates[0].content.parts[0].text).join('')).toMatch(
      /^Mock reply from gpt-5\.4-mini: An array stream please$/,
    );
  });

  it('never puts a ?key= into an error message or a log line', async () => {
    const secret = `${TEST_MASTER_KEY}`;
    const unknownMethod = await fetch(`${fleet.baseUrl}/v1beta/models/gpt-5.4:embedStuff?key=${secret}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    const wrongVerb = await fetch(`${fleet.baseUrl}/v1beta/nothing-here?key=${secret}`);
    for (const response of [unknownMethod, wrongVerb]) {
      expect(response.status).toBe(404);
      const text = await response.text();
      expect((JSON.parse(text) as GeminiError).error.status).toBe('NOT_FOUND');
      expect(text).not.toContain(secret);
    }
    expect(fleet.logs.join('\n')).not.toContain(secret);
  });

  it("routes Gemini CLI's captured request through a router on the last user ask", async () => {
    const response = await post(
      '/v1beta/models/opencodego-router:streamGenerateContent?alt=sse',
      geminiCliRequest.body,
    );
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(body).toMatch(/^(data: \{[^\r\n]*\}\r\n\r\n)+$/);
    const events = body
      .split('\r\n\r\n')
      .filter((frame) => frame !== '')
      .map(
        (frame) =>
          JSON.parse(frame.slice('data: '.length)) as {
            candidates: { content: { parts: { text?: string }[] }; finishReason?: string }[];
            usageMetadata?: { thoughtsTokenCount?: number };
          },
      );
    const text = events.map((event) => event.candidates[0].content.parts[0].text ?? '').join('');
    expect(text).toMatch(/^Mock reply from .+: Refactor the retry logic/);
    expect(events.at(-1)!.candidates[0].finishReason).toBe('STOP');
    // thinkingLevel HIGH reached the upstream as reasoning effort
    expect(events.at(-1)!.usageMetadata!.thoughtsTokenCount).toBeGreaterThan(0);

    // the tier the router gives the ask alone: the CLI's system instruction and session context are no ask
    const ask = 'Refactor the retry logic in src/http.ts to use exponential backoff';
    const explained = (await (
      await fetch(`${fleet.baseUrl}/v1/route/explain`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_MASTER_KEY}` },
        body: JSON.stringify({ model: 'opencodego-router', messages: [{ role: 'user', content: ask }] }),
      })
    ).json()) as { tier: string };
    expect(response.headers.get('x-litellm-complexity-router-tier')).toBe(explained.tier);
    const [row] = await usageRowsOf(response.headers.get('x-litellm-call-id')!);
    expect(row).toMatchObject({
      endpoint: 'gemini',
      router: 'opencodego-router',
      tier: explained.tier,
      model_group: 'opencodego-router',
      stream: true,
    });
    expect(row.route_cause).toBeTruthy();
    expect(row.output_reasoning_tokens).toBeGreaterThan(0);
  });

  it("answers an upstream's refusal in Google's envelope, and a failure mid-stream as a last error event", async () => {
    const refused = await post('/v1beta/models/gpt-5.4-mini:generateContent', {
      contents: [text('refuse this [[mock:{"status":400,"message":"bad things"}]]')],
    });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as GeminiError).error).toMatchObject({
      code: 400,
      status: 'INVALID_ARGUMENT',
    });

    const broken = await post('/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse', {
      contents: [text('a long answer please [[mock:{"chunks":6,"errorAfterChunks":2}]]')],
    });
    expect(broken.status).toBe(200);
    const body = await broken.text();
    expect(body).toMatch(/^(data: \{[^\r\n]*\}\r\n\r\n)+$/);
    const last = JSON.parse(body.trimEnd().split('\r\n\r\n').at(-1)!.slice('data: '.length)) as GeminiError;
    expect(Object.keys(last)).toEqual(['error']);
    expect(last.error.status).toMatch(/^[A-Z_]+$/);
    expect(last.error.code).toBeGreaterThanOrEqual(500);
  });

  // `gemini -p` set up from GET /integrations/gemini-cli, and a read_file round trip, are in
  // gemini-cli.e2e-spec.ts; this one drives the CLI's other read-only tool.
  it('serves a Gemini CLI tool round trip: the mock calls list_directory, the CLI runs it and sends its result', async () => {
    const home = mkdtempSync(join(tmpdir(), 'gemini-cli-'));
    try {
      mkdirSync(join(home, '.gemini'));
      writeFileSync(
        join(home, '.gemini', 'settings.json'),
        JSON.stringify({ security: { auth: { selectedType: 'gemini-api-key' } } }),
      );
      // the mock's arguments for list_directory: {"dir_path": "mock-dir_path"} (its one required property)
      mkdirSync(join(home, 'mock-dir_path'));
      writeFileSync(join(home, 'mock-dir_path', 'listed-by-the-cli.txt'), 'x');
      const { stdout } = await promisify(execFile)(
        join(REPO_ROOT, 'node_modules', '.bin', 'gemini'),
        ['-p', 'Please use list_directory on the project', '-m', 'opencodego-router'],
        {
          cwd: home,
          env: {
            PATH: process.env.PATH,
            HOME: home,
            GOOGLE_GEMINI_BASE_URL: fleet.baseUrl,
            GEMINI_API_KEY: TEST_MASTER_KEY,
            GEMINI_CLI_TRUST_WORKSPACE: 'true',
            NO_COLOR: '1',
          },
          timeout: 120_000,
        },
      );
      expect(stdout).toContain('tool result:');
      const toolTurns = (await mock.requests()).filter((request) =>
        JSON.stringify(request.body).includes('listed-by-the-cli.txt'),
      );
      expect(toolTurns.length).toBeGreaterThan(0);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it.each(MALFORMED)('malformed: $name → $status $googleStatus', async (entry) => {
    const response = await fetch(
      `${fleet.baseUrl}${entry.path ?? '/v1beta/models/gpt-5.4-mini:generateContent'}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-goog-api-key': TEST_MASTER_KEY, ...entry.headers },
        body: entry.raw ?? JSON.stringify(entry.body),
      },
    );
    expect(response.status).toBe(entry.status);
    const body = (await response.json()) as GeminiError;
    expect(Object.keys(body)).toEqual(['error']);
    expect(Object.keys(body.error)).toEqual(['code', 'message', 'status']);
    expect(body.error).toMatchObject({ code: entry.status, status: entry.googleStatus });
    expect(body.error.message.length).toBeGreaterThan(0);
  });
});
