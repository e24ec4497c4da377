import type { NatsConnection } from 'nats';
import { Registry } from 'prom-client';
import {
  type BusNamespace,
  NO_SUBSCRIBERS,
  type StreamHandlers,
  type StreamRequester,
} from '@switchyard/bus';
import {
  type AttemptOutcome,
  type DispatchChatRequest,
  type DispatchResponsesRequest,
  GatewayError,
  Subjects,
} from '@switchyard/contracts';
import { IngressMetrics } from '@switchyard/telemetry';
import { AttemptFailure } from './attempt-failure';
import { CANCELLED_REPLY_WAIT_MS, DispatchClient, type DispatchChatPart } from './dispatch-client';

const request: DispatchChatRequest = {
  requestId: 'call-1',
  attempt: 0,
  deploymentId: 'deployment-1',
  stream: true,
  body: { model: 'gpt-5.4-mini', messages: [{ role: 'user', content: 'hello' }] },
  accounting: {
    endpoint: 'chat',
    modelGroup: 'gpt-5.4-mini',
    route: null,
    keyId: 'key-1',
    sessionId: null,
    user: null,
    metadata: null,
  },
};

const outcome: AttemptOutcome = {
  eventId: '6f1c2c54-4f7b-4a5e-9d55-0c5d8c1f5a11',
  deploymentId: 'deployment-1',
  model: 'gpt-5.4-mini',
  provider: 'openai',
  providerModel: 'gpt-5.4-mini',
  usage: { input: { total: 7, noCache: 7, cacheRead: 0, cacheWrite: 0 }, output: { total: 3, reasoning: 0 } },
  costUsd: 0.00002,
  upstreamLatencyMs: 12,
  ttftMs: 5,
};

const chunk = {
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'gpt-5.4-mini',
  choices: [{ index: 0, delta: { content: 'Hi' }, finish_reason: null }],
};

/** every reply of an attempt, and the failure that ended it (if one did). */
async function read<Part = DispatchChatPart>(
  replies: AsyncIterable<Part>,
): Promise<{ parts: Part[]; failure: AttemptFailure | null }> {
  const parts: Part[] = [];
  try {
    for await (const part of replies) parts.push(part);
    return { parts, failure: null };
  } catch (failure) {
    return { parts, failure: failure as AttemptFailure };
  }
}

describe(DispatchClient.name, () => {
  let replies: StreamHandlers;
  let notified: { subject: string; payload: unknown }[];
  let closed: number;
  let client: AbortController;
  let sut: DispatchClient;

  beforeEach(() => {
    notified = [];
    closed = 0;
    client = new AbortController();
    const streams = {
      start: (_subject: string, _payload: unknown, _options: unknown, streamHandlers: StreamHandlers) => {
        replies = streamHandlers;
        return { close: () => (closed += 1) };
      },
      notify: (subject: string, payload: unknown) => notified.push({ subject, payload }),
    };
    sut = new DispatchClient(
      streams as unknown as StreamRequester,
      {} as NatsConnection,
      {} as BusNamespace,
      new IngressMetrics(new Registry()),
    );
  });

  afterEach(() => jest.useRealTimers());

  it('yields the chunks and the final reply in order, then ends', async () => {
    const answer = sut.chat('openai', request, client.signal);
    replies.onMessage({ type: 'heartbeat' });
    replies.onMessage({ type: 'chunk', chunk });
    replies.onMessage({ type: 'final', outcome, response: null });
    await expect(read(answer)).resolves.toEqual({
      parts: [
        { type: 'chunk', chunk },
        { type: 'final', outcome, response: null },
      ],
      failure: null,
    });
    expect(closed).toBe(1);
  });

  it("after a cancel, drops the chunks but still delivers the attempt's last reply, which carries its usage", async () => {
    const answer = sut.chat('openai', request, client.signal);
    replies.onMessage({ type: 'chunk', chunk });
    client.abort();
    expect(notified).toEqual([
      { subject: Subjects.dispatchCancel('openai'), payload: { requestId: 'call-1' } },
    ]);
    replies.onMessage({ type: 'chunk', chunk });
    replies.onMessage({
      type: 'error',
      error: GatewayError.upstream(499, 'the client went away', {
        code: 'client_closed_request',
      }).toPayload(),
      outcome,
    });
    const { parts, failure } = await read(answer);
    expect(parts).toHaveLength(1);
    expect(failure).toBeInstanceOf(AttemptFailure);
    expect(failure).toMatchObject({ error: { status: 499 }, outcome });
    expect(closed).toBe(1);
  });

  it('gives up on a cancelled call whose dispatcher never confirms, so its limits can be released', async () => {
    jest.useFakeTimers();
    const answer = sut.chat('openai', request, client.signal);
    client.abort();
    client.signal.dispatchEvent(new Event('abort'));
    expect(notified).toHaveLength(1);
    let ended = false;
    const reading = read(answer).finally(() => (ended = true));
    jest.advanceTimersByTime(CANCELLED_REPLY_WAIT_MS - 1);
    await Promise.resolve();
    expect(ended).toBe(false);
    jest.advanceTimersByTime(1);
    replies.onMessage({ type: 'final', outcome, response: null });
    await expect(reading).resolves.toEqual({
      parts: [],
      failure: expect.objectContaining({
        error: expect.objectContaining({ code: 'cancel_unconfirmed' }),
        outcome: null,
      }),
    });
  });

  it('cancels an attempt that is already aborted when it is dispatched', () => {
    client.abort();
    sut.chat('openai', request, client.signal);
    expect(notified).toEqual([
      { subject: Subjects.dispatchCancel('openai'), payload: { requestId: 'call-1' } },
    ]);
  });

  it('cancels the attempt when its reader stops early', async () => {
    const answer = sut.chat('openai', request, client.signal);
    replies.onMessage({ type: 'chunk', chunk });
    for await (const part of answer) if (part.type === 'chunk') break;
    expect(notified).toEqual([
      { subject: Subjects.dispatchCancel('openai'), payload: { requestId: 'call-1' } },
    ]);
    expect(closed).toBe(1);
  });

  it('tells a dispatcher that went silent to cancel, before anyone dispatches the call again', async () => {
    const answer = sut.chat('openai', request, client.signal);
    replies.onFailure(GatewayError.unavailable('silent', { code: 'responder_lost' }));
    expect(notified).toEqual([
      { subject: Subjects.dispatchCancel('openai'), payload: { requestId: 'call-1' } },
    ]);
    const { failure } = await read(answer);
    expect(failure).toMatchObject({ error: { code: 'responder_lost' }, outcome: null });
  });

  it.each([
    ['a reply handler threw', GatewayError.internal('the gateway failed to handle a reply')],
    ['a reply was not JSON', GatewayError.unavailable('sent a reply that is not JSON')],
  ])('tells the dispatcher to cancel when %s, so the upstream call stops billing', async (_case, failure) => {
    const answer = sut.chat('openai', request, client.signal);
    replies.onMessage({ type: 'chunk', chunk });
    replies.onFailure(failure);
    expect(notified).toEqual([
      { subject: Subjects.dispatchCancel('openai'), payload: { requestId: 'call-1' } },
    ]);
    const result = await read(answer);
    expect(result.parts).toHaveLength(1);
    expect(result.failure).toMatchObject({ error: failure, outcome: null });
  });

  it('tells the dispatcher to cancel after an invalid reply, and ends the call once', async () => {
    const answer = sut.chat('openai', request, client.signal);
    replies.onMessage({ type: 'chunk', chunk: { not: 'a chunk' } });
    replies.onMessage({ type: 'final', outcome, response: null });
    expect(notified).toEqual([
      { subject: Subjects.dispatchCancel('openai'), payload: { requestId: 'call-1' } },
    ]);
    const { parts, failure } = await read(answer);
    expect(parts).toEqual([]);
    expect(failure).toMatchObject({ error: { status: 503 }, outcome: null });
  });

  it('sends no cancel when nobody subscribes to the subject (nothing can be running)', async () => {
    const answer = sut.chat('openai', request, client.signal);
    replies.onFailure(GatewayError.unavailable('no service answers', { code: NO_SUBSCRIBERS }));
    expect(notified).toEqual([]);
    const { failure } = await read(answer);
    expect(failure).toMatchObject({ error: { code: NO_SUBSCRIBERS }, outcome: null });
  });
});

describe(`${DispatchClient.name}.responses`, () => {
  let replies: StreamHandlers;
  let started: { subject: string; payload: unknown }[];
  let notified: { subject: string; payload: unknown }[];
  let client: AbortController;
  let sut: DispatchClient;
  const responsesRequest: DispatchResponsesRequest = {
    requestId: 'call-2',
    attempt: 0,
    deploymentId: 'openai-gpt',
    stream: true,
    body: { model: 'frontier-router', input: 'Hello', include: ['reasoning.encrypted_content'] },
    accounting: { ...request.accounting, endpoint: 'responses' },
  };
  const created = { type: 'response.created', sequence_number: 0, response: { id: 'resp_1' } };
  const delta = { type: 'response.output_text.delta', sequence_number: 1, delta: 'Hi' };

  beforeEach(() => {
    started = [];
    notified = [];
    client = new AbortController();
    const streams = {
      start: (subject: string, payload: unknown, _options: unknown, streamHandlers: StreamHandlers) => {
        started.push({ subject, payload });
        replies = streamHandlers;
        return { close: () => undefined };
      },
      notify: (subject: string, payload: unknown) => notified.push({ subject, payload }),
    };
    sut = new DispatchClient(
      streams as unknown as StreamRequester,
      {} as NatsConnection,
      {} as BusNamespace,
      new IngressMetrics(new Registry()),
    );
  });

  it('asks the provider’s responses subject and yields the native events, then the final reply', async () => {
    const answer = sut.responses('openai', responsesRequest, client.signal);
    replies.onMessage({ type: 'heartbeat' });
    replies.onMessage({ type: 'event', event: created });
    replies.onMessage({ type: 'event', event: delta });
    replies.onMessage({ type: 'final', outcome, response: null });

    await expect(read(answer)).resolves.toEqual({
      parts: [
        { type: 'event', event: created },
        { type: 'event', event: delta },
        { type: 'final', outcome, response: null },
      ],
      failure: null,
    });
    expect(started).toEqual([{ subject: Subjects.dispatchResponses('openai'), payload: responsesRequest }]);
  });

  it('throws an AttemptFailure with the attempt’s outcome, so the fallback policy can act on it', async () => {
    const answer = sut.responses('openai', responsesRequest, client.signal);
    replies.onMessage({
      type: 'error',
      error: GatewayError.upstream(500, 'openai: boom', { code: 'server_error' }).toPayload(),
      outcome,
    });

    const { failure } = await read(answer);

    expect(failure).toBeInstanceOf(AttemptFailure);
    expect(failure).toMatchObject({ error: { status: 500, isRetryable: true }, outcome });
  });

  it('cancels the upstream call when the signal aborts, drops later events and keeps the last reply', async () => {
    const answer = sut.responses('openai', responsesRequest, client.signal);
    replies.onMessage({ type: 'event', event: created });
    client.abort();
    replies.onMessage({ type: 'event', event: delta });
    replies.onMessage({
      type: 'error',
      error: GatewayError.upstream(499, 'cancelled', { code: 'client_closed_request' }).toPayload(),
      outcome,
    });

    const { parts, failure } = await read(answer);

    expect(notified).toEqual([
      { subject: Subjects.dispatchCancel('openai'), payload: { requestId: 'call-2' } },
    ]);
    expect(parts).toEqual([{ type: 'event', event: created }]);
    expect(failure).toMatchObject({ error: { status: 499 }, outcome });
  });

  it('rejects a chat chunk on the responses stream as an invalid reply', async () => {
    const answer = sut.responses('openai', responsesRequest, client.signal);
    replies.onMessage({ type: 'chunk', chunk });

    const { failure } = await read(answer);

    expect(failure).toMatchObject({ error: { status: 503 }, outcome: null });
    expect(notified).toHaveLength(1);
  });
});
