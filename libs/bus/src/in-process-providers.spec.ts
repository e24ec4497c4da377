import type { DispatchChatRequest, DispatchProbeReply } from '@switchyard/contracts';
import { GatewayError } from '@switchyard/contracts';
import { InProcessProviders } from './in-process-providers';
import { NO_SUBSCRIBERS } from './no-subscribers';
import type { ProviderRequester } from './provider-transport';
import type { StreamHandlers } from './stream-requester';

const chatRequest: DispatchChatRequest = {
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

const options = { requestId: 'call-1', firstReplyTimeoutMs: 5000, idleTimeoutMs: 5000 };

function collector(): StreamHandlers & { messages: unknown[]; failures: GatewayError[] } {
  const messages: unknown[] = [];
  const failures: GatewayError[] = [];
  return {
    messages,
    failures,
    onMessage: (message) => messages.push(message),
    onFailure: (error) => failures.push(error),
  };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe(InProcessProviders.name, () => {
  let sut: InProcessProviders;

  beforeEach(() => {
    sut = new InProcessProviders();
  });

  afterEach(() => sut.close());

  it("hands a chat request to the provider's handler as a validated copy, and its replies back in order", async () => {
    let received: DispatchChatRequest | null = null;
    sut.serve('openai', 'chat', 'dispatcher-1', (request, origin) => {
      received = request;
      origin.replies.send({ type: 'heartbeat' });
      origin.replies.send({ type: 'final', outcome: null, response: null });
    });
    const handlers = collector();

    sut.requester(null).stream('openai', 'chat', chatRequest, options, handlers);
    // never inside the caller's stack
    expect(received).toBeNull();
    await flush();

    expect(received).toEqual(chatRequest);
    expect(received).not.toBe(chatRequest);
    expect(handlers.messages).toEqual([
      { type: 'heartbeat' },
      { type: 'final', outcome: null, response: null },
    ]);
  });

  it('answers an invalid request with a 400 error reply and never calls the handler', async () => {
    const handler = jest.fn();
    sut.serve('openai', 'chat', 'dispatcher-1', handler);
    const handlers = collector();

    sut.requester(null).stream('openai', 'chat', { ...chatRequest, deploymentId: '' }, options, handlers);
    await flush();

    expect(handler).not.toHaveBeenCalled();
    expect(handlers.messages).toEqual([
      expect.objectContaining({
        type: 'error',
        error: expect.objectContaining({ status: 400, code: 'invalid_bus_message' }),
      }),
    ]);
  });

  it('fails a stream with no_subscribers when no dispatcher serves the provider and none is remote', async () => {
    const handlers = collector();

    sut.requester(null).stream('mistral', 'chat', chatRequest, options, handlers);
    await flush();

    expect(handlers.failures.map((failure) => failure.code)).toEqual([NO_SUBSCRIBERS]);
  });

  it('delivers a cancel after the request it cancels', async () => {
    const seen: string[] = [];
    sut.serve('openai', 'chat', 'dispatcher-1', () => void seen.push('chat'));
    sut.serve('openai', 'cancel', 'dispatcher-1', () => void seen.push('cancel'));
    const requester = sut.requester(null);

    requester.stream('openai', 'chat', chatRequest, options, collector());
    requester.notify('openai', 'cancel', { requestId: 'call-1' }, 'call-1');
    await flush();

    expect(seen).toEqual(['chat', 'cancel']);
  });

  it('answers a failed probe handler with a 500 in the reply shape, and sends providers it does not serve to the remote requester', async () => {
    sut.serve('openai', 'probe', 'dispatcher-1', () => Promise.reject(new Error('boom')));
    const remoteReply = { status: 'healthy' } as unknown as DispatchProbeReply;
    const remote = { request: jest.fn().mockResolvedValue(remoteReply) } as unknown as ProviderRequester;
    const requester = sut.requester(remote);
    const payload = { requestId: 'probe-1', deploymentId: 'deployment-1' };

    const local = await requester.request('openai', 'probe', payload, {
      timeoutMs: 1000,
      requestId: 'probe-1',
    });
    const elsewhere = await requester.request('mistral', 'probe', payload, {
      timeoutMs: 1000,
      requestId: 'probe-1',
    });

    expect(local).toMatchObject({ status: 'unhealthy', error: { status: 500 } });
    expect(elsewhere).toBe(remoteReply);
    expect(remote.request).toHaveBeenCalledWith('mistral', 'probe', payload, expect.anything());
  });

  it('ends a stream whose dispatcher stays silent, as the bus requester does', async () => {
    jest.useFakeTimers();
    try {
      const silent = new InProcessProviders();
      silent.serve('openai', 'chat', 'dispatcher-1', () => undefined);
      const handlers = collector();
      silent
        .requester(null)
        .stream('openai', 'chat', chatRequest, { ...options, firstReplyTimeoutMs: 1000 }, handlers);
      await Promise.resolve();

      jest.advanceTimersByTime(1500);

      expect(handlers.failures.map((failure) => failure.code)).toEqual(['no_responder']);
      silent.close();
    } finally {
      jest.useRealTimers();
    }
  });
});
