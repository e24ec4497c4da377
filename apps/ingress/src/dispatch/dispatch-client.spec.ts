import type { NatsConnection } from 'nats';
import { Registry } from 'prom-client';
import {
  type BusNamespace,
  NO_SUBSCRIBERS,
  type StreamHandlers,
  type StreamRequester,
} from '@switchyard/bus';
import { type AttemptOutcome, type DispatchChatRequest, GatewayError, Subjects } from '@switchyard/contracts';
import { IngressMetrics } from '@switchyard/telemetry';
import { CANCELLED_REPLY_WAIT_MS, DispatchClient, type DispatchHandlers } from './dispatch-client';

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

describe(DispatchClient.name, () => {
  let replies: StreamHandlers;
  let notified: { subject: string; payload: unknown }[];
  let closed: number;
  let handlers: { [name in keyof DispatchHandlers]: jest.Mock };
  let sut: DispatchClient;

  beforeEach(() => {
    notified = [];
    closed = 0;
    const streams = {
      start: (_subject: string, _payload: unknown, _options: unknown, streamHandlers: StreamHandlers) => {
        replies = streamHandlers;
        return { close: () => (closed += 1) };
      },
      notify: (subject: string, payload: unknown) => notified.push({ subject, payload }),
    };
    handlers = { onChunk: jest.fn(), onFinal: jest.fn(), onError: jest.fn() };
    sut = new DispatchClient(
      streams as unknown as StreamRequester,
      {} as NatsConnection,
      {} as BusNamespace,
      new IngressMetrics(new Registry()),
    );
  });

  afterEach(() => jest.useRealTimers());

  it("after a cancel, drops the chunks but still delivers the attempt's last reply, which carries its usage", () => {
    const handle = sut.chat('openai', request, handlers);
    replies.onMessage({ type: 'chunk', chunk });
    handle.cancel();
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
    expect(handlers.onChunk).toHaveBeenCalledTimes(1);
    expect(handlers.onError).toHaveBeenCalledWith(expect.objectContaining({ status: 499 }), outcome);
    expect(closed).toBe(1);
  });

  it('gives up on a cancelled call whose dispatcher never confirms, so its limits can be released', () => {
    jest.useFakeTimers();
    const handle = sut.chat('openai', request, handlers);
    handle.cancel();
    handle.cancel();
    expect(notified).toHaveLength(1);
    jest.advanceTimersByTime(CANCELLED_REPLY_WAIT_MS - 1);
    expect(handlers.onError).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(handlers.onError).toHaveBeenCalledWith(
      expect.objectContaining({ code: 'cancel_unconfirmed' }),
      null,
    );
    replies.onMessage({ type: 'final', outcome, response: null });
    expect(handlers.onFinal).not.toHaveBeenCalled();
  });

  it('tells a dispatcher that went silent to cancel, before anyone dispatches the call again', () => {
    sut.chat('openai', request, handlers);
    replies.onFailure(GatewayError.unavailable('silent', { code: 'responder_lost' }));
    expect(notified).toEqual([
      { subject: Subjects.dispatchCancel('openai'), payload: { requestId: 'call-1' } },
    ]);
    expect(handlers.onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'responder_lost' }), null);
  });

  it.each([
    ['a reply handler threw', GatewayError.internal('the gateway failed to handle a reply')],
    ['a reply was not JSON', GatewayError.unavailable('sent a reply that is not JSON')],
  ])('tells the dispatcher to cancel when %s, so the upstream call stops billing', (_case, failure) => {
    sut.chat('openai', request, handlers);
    replies.onMessage({ type: 'chunk', chunk });
    replies.onFailure(failure);
    expect(notified).toEqual([
      { subject: Subjects.dispatchCancel('openai'), payload: { requestId: 'call-1' } },
    ]);
    expect(handlers.onError).toHaveBeenCalledWith(failure, null);
  });

  it('tells the dispatcher to cancel after an invalid reply, and ends the call once', () => {
    sut.chat('openai', request, handlers);
    replies.onMessage({ type: 'chunk', chunk: { not: 'a chunk' } });
    replies.onMessage({ type: 'final', outcome, response: null });
    expect(notified).toEqual([
      { subject: Subjects.dispatchCancel('openai'), payload: { requestId: 'call-1' } },
    ]);
    expect(handlers.onError).toHaveBeenCalledTimes(1);
    expect(handlers.onError).toHaveBeenCalledWith(expect.objectContaining({ status: 503 }), null);
    expect(handlers.onFinal).not.toHaveBeenCalled();
  });

  it('sends no cancel when nobody subscribes to the subject (nothing can be running)', () => {
    sut.chat('openai', request, handlers);
    replies.onFailure(GatewayError.unavailable('no service answers', { code: NO_SUBSCRIBERS }));
    expect(notified).toEqual([]);
    expect(handlers.onError).toHaveBeenCalledWith(expect.objectContaining({ code: NO_SUBSCRIBERS }), null);
  });
});
