import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { describeResponsesAdapter } from '../__fixtures__/describe-responses-adapter';
import { bodyOf, fixedClock, targetFor, thrownGatewayError } from '../__fixtures__/fixture-helpers';
import type { SseEvent } from '../shared/spec';
import { openAIProvider } from './openai-provider';

const target = targetFor({
  provider: 'openai',
  providerModel: 'gpt-5.1-codex',
  apiBase: 'https://api.openai.test/v1',
});
const sut = openAIProvider.withClock(fixedClock);
const responses = sut.responses!;

const response = {
  id: 'resp_1',
  object: 'response' as const,
  created_at: 1765552659,
  status: 'in_progress' as const,
  error: null,
  incomplete_details: null,
  instructions: null,
  metadata: {},
  model: 'gpt-5.1-codex',
  output: [],
  parallel_tool_calls: true,
  temperature: 1,
  tool_choice: 'auto' as const,
  tools: [],
  top_p: 1,
  output_text: '',
};
const reasoningItem = {
  id: 'rs_1',
  type: 'reasoning' as const,
  encrypted_content: 'gAAAAABopaque',
  summary: [{ type: 'summary_text' as const, text: 'Thinking.' }],
};
const message = {
  id: 'msg_1',
  type: 'message' as const,
  role: 'assistant' as const,
  status: 'completed' as const,
  content: [{ type: 'output_text' as const, text: 'Hi.', annotations: [], logprobs: [] }],
};
const usage = {
  input_tokens: 1500,
  input_tokens_details: { cached_tokens: 1280 },
  output_tokens: 130,
  output_tokens_details: { reasoning_tokens: 128 },
  total_tokens: 1630,
};

/** A stream in OpenAI's shape, checked against the `openai` SDK's event types by the compiler. */
const streamEvents: ResponseStreamEvent[] = [
  { type: 'response.created', sequence_number: 0, response },
  { type: 'response.in_progress', sequence_number: 1, response },
  {
    type: 'response.output_item.added',
    sequence_number: 2,
    output_index: 0,
    item: { ...reasoningItem, summary: [] },
  },
  { type: 'response.output_item.done', sequence_number: 3, output_index: 0, item: reasoningItem },
  {
    type: 'response.output_item.added',
    sequence_number: 4,
    output_index: 1,
    item: { ...message, status: 'in_progress', content: [] },
  },
  {
    type: 'response.output_text.delta',
    sequence_number: 5,
    item_id: 'msg_1',
    output_index: 1,
    content_index: 0,
    delta: 'Hi.',
    logprobs: [],
  },
  { type: 'response.output_item.done', sequence_number: 6, output_index: 1, item: message },
  {
    type: 'response.completed',
    sequence_number: 7,
    response: { ...response, status: 'completed', output: [reasoningItem, message], usage },
  },
];
const sse = (event: { type: string }): SseEvent => ({ event: event.type, data: JSON.stringify(event) });

describe('openAIProvider.responses', () => {
  it('passes the body through with the deployment’s model, the key only in the header', () => {
    const body = {
      model: 'frontier-router',
      input: [{ type: 'reasoning', id: 'rs_0', encrypted_content: 'gAAAA', summary: [] }],
      include: ['reasoning.encrypted_content'],
      store: false,
      tools: [{ type: 'web_search' }],
      stream: true,
    };

    const streamed = responses.buildRequest(body, target, { stream: true });
    const plain = responses.buildRequest(body, target, { stream: false });

    expect(streamed.url).toBe('https://api.openai.test/v1/responses');
    expect(streamed.headers.authorization).toBe(`Bearer ${target.apiKey}`);
    expect(bodyOf(streamed)).toEqual({ ...body, model: 'gpt-5.1-codex', stream: true });
    expect(bodyOf(plain)).toEqual({ ...body, model: 'gpt-5.1-codex', stream: undefined });
    expect(bodyOf(plain)).not.toHaveProperty('stream');
  });

  it('reads a JSON response with canonical usage (cache reads and reasoning inside the totals)', () => {
    const result = responses.parseResponse(
      { ...response, status: 'completed', output: [message], usage },
      target,
    );

    expect(result.status).toBe('completed');
    expect(result.usage).toEqual({
      input: { total: 1500, noCache: 220, cacheRead: 1280, cacheWrite: 0 },
      output: { total: 130, reasoning: 128 },
    });
  });

  it('throws the error of a failed JSON response and a 502 for a body that is no response', () => {
    const failed = thrownGatewayError(() =>
      responses.parseResponse(
        { ...response, status: 'failed', error: { code: 'server_error', message: 'boom' } },
        target,
      ),
    );
    expect(failed).toMatchObject({ status: 500, isRetryable: true, provider: 'openai' });
    expect(thrownGatewayError(() => responses.parseResponse({ choices: [] }, target))).toMatchObject({
      status: 502,
      code: 'bad_upstream_response',
    });
  });

  it('keeps the usage of response.incomplete and response.failed', () => {
    const incomplete = responses.createStreamParser(target);
    incomplete.push(
      sse({ type: 'response.incomplete', response: { ...response, status: 'incomplete', usage } } as never),
    );
    expect(incomplete.done).toBe(true);
    expect(incomplete.summary().status).toBe('incomplete');
    expect(incomplete.summary().usage?.output.total).toBe(130);

    const failed = responses.createStreamParser(target);
    const error = thrownGatewayError(() =>
      failed.push(
        sse({
          type: 'response.failed',
          sequence_number: 3,
          response: {
            ...response,
            status: 'failed',
            error: { code: 'rate_limit_exceeded', message: 'slow down' },
            usage,
          },
        } as never),
      ),
    );
    expect(error).toMatchObject({ status: 429, isRetryable: true });
    expect(failed.summary()).toMatchObject({ status: 'failed', usage: { input: { total: 1500 } } });
  });

  it('throws the error event when response.failed follows it, as OpenAI sends them', () => {
    const parser = responses.createStreamParser(target);
    parser.push(
      sse({
        type: 'error',
        sequence_number: 2,
        error: {
          type: 'insufficient_quota',
          code: 'insufficient_quota',
          message: 'You exceeded your current quota',
          param: null,
        },
      } as never),
    );

    const error = thrownGatewayError(() =>
      parser.push(
        sse({
          type: 'response.failed',
          sequence_number: 3,
          response: { ...response, status: 'failed' },
        } as never),
      ),
    );

    expect(error).toMatchObject({ status: 429, code: 'insufficient_quota' });
    expect(error.message).toContain('You exceeded your current quota');
  });

  it('is absent from providers without a native Responses API', async () => {
    const { anthropicProvider } = await import('../anthropic/anthropic-provider');
    expect(anthropicProvider.responses).toBeUndefined();
  });
});

describeResponsesAdapter(openAIProvider, {
  directory: __dirname,
  target,
  stream: {
    events: streamEvents.map(sse),
    usage: {
      input: { total: 1500, noCache: 220, cacheRead: 1280, cacheWrite: 0 },
      output: { total: 130, reasoning: 128 },
    },
    status: 'completed',
  },
  errorEvent: sse({
    type: 'error',
    sequence_number: 2,
    error: { type: 'server_error', code: 'server_error', message: 'The server had an error', param: null },
  } as never),
  malformedEvent: {
    event: 'response.output_text.delta',
    data: '{"type":"response.output_text.delta","delta":',
  },
  invalidKey: { status: 401, fixture: 'openai-error-invalid-key.json' },
  overloaded: { status: 429, fixture: 'openai-error-rate-limit.json' },
});
