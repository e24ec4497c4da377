import { connect, type NatsConnection, type Subscription } from 'nats';
import {
  type DispatchEmbedRequest,
  type DispatchProbeReply,
  GatewayError,
  Subjects,
} from '@switchyard/contracts';
import { testInfrastructure, uniqueSuffix } from '@switchyard/testing';
import { BusNamespace } from './bus-namespace';
import { decodeJson, encodeJson } from './json-codec';
import { NO_SUBSCRIBERS } from './no-subscribers';
import { requestProvider, serveProvider } from './provider-bus';

const embedRequest: DispatchEmbedRequest = {
  requestId: 'embed-1',
  attempt: 0,
  deploymentId: 'openai-embed',
  body: { model: 'text-embedding-3-small', input: 'hello' },
  accounting: {
    endpoint: 'embeddings',
    modelGroup: 'text-embedding-3-small',
    route: null,
    keyId: null,
    sessionId: null,
    user: null,
    metadata: null,
  },
};

const healthy: DispatchProbeReply = {
  status: 'healthy',
  deploymentId: 'openai-mini',
  probe: 'GET /models/{model}',
  latencyMs: 12,
  dispatcherId: 'dispatcher-1',
};

async function thrown(action: Promise<unknown>): Promise<GatewayError> {
  try {
    await action;
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
}

describe('serveProvider and requestProvider', () => {
  let requester: NatsConnection;
  let responder: NatsConnection;
  let subscriptions: Subscription[] = [];
  const namespace = new BusNamespace(`t${uniqueSuffix()}.`);

  /** Sends raw bytes the way a broken or foreign client would, and reads the one reply. */
  async function rawRequest(subject: string, data: Uint8Array): Promise<unknown> {
    const reply = await requester.request(namespace.subject(subject), data, { timeout: 5000 });
    return decodeJson(reply.data);
  }

  beforeAll(async () => {
    const servers = testInfrastructure().natsUrl;
    requester = await connect({ servers, name: 'provider-bus-requester' });
    responder = await connect({ servers, name: 'provider-bus-responder' });
  });

  afterEach(async () => {
    await Promise.all(subscriptions.map((subscription) => subscription.drain()));
    subscriptions = [];
  });

  afterAll(async () => {
    await requester.close();
    await responder.close();
  });

  async function serve(...started: Subscription[]): Promise<void> {
    subscriptions.push(...started);
    await responder.flush();
  }

  it('carries a valid request to the handler and its typed reply back', async () => {
    const received: unknown[] = [];
    await serve(
      serveProvider(responder, namespace, 'openai', 'probe', { responder: 'dispatcher-1' }, (request) => {
        received.push(request);
        return Promise.resolve(healthy);
      }),
    );

    const sut = await requestProvider(
      requester,
      namespace,
      'openai',
      'probe',
      {
        requestId: 'probe-1',
        deploymentId: 'openai-mini',
      },
      { timeoutMs: 5000, requestId: 'probe-1' },
    );

    expect(sut).toEqual(healthy);
    expect(received).toEqual([{ requestId: 'probe-1', deploymentId: 'openai-mini' }]);
  });

  it('answers an invalid message with invalid_bus_message in the operation’s reply shape, without calling the handler', async () => {
    let calls = 0;
    const handler = () => {
      calls += 1;
      return Promise.resolve(healthy);
    };
    await serve(
      serveProvider(responder, namespace, 'openai', 'probe', { responder: 'dispatcher-1' }, handler),
      serveProvider(responder, namespace, 'openai', 'chat', { responder: 'dispatcher-1' }, () => {
        calls += 1;
      }),
    );

    const probe = await rawRequest(Subjects.dispatchProbe('openai'), encodeJson({ requestId: 'p' }));
    const chat = await rawRequest(Subjects.dispatchChat('openai'), Buffer.from('{not json'));

    expect(calls).toBe(0);
    expect(probe).toEqual({
      status: 'unhealthy',
      deploymentId: '',
      probe: null,
      latencyMs: null,
      dispatcherId: 'dispatcher-1',
      error: expect.objectContaining({
        status: 400,
        code: 'invalid_bus_message',
        message:
          'invalid dispatch.openai.probe.v1 message: deploymentId: Invalid input: expected string, received undefined',
      }),
    });
    expect(chat).toEqual({
      type: 'error',
      error: expect.objectContaining({
        status: 400,
        code: 'invalid_bus_message',
        message: 'invalid dispatch.openai.chat.v1 message: not JSON',
      }),
      outcome: null,
    });
  });

  it('answers a handler that rejects with a typed 500', async () => {
    await serve(
      serveProvider(responder, namespace, 'openai', 'embed', { responder: 'dispatcher-1' }, () =>
        Promise.reject(new Error('boom')),
      ),
    );

    const reply = await rawRequest(Subjects.dispatchEmbed('openai'), encodeJson(embedRequest));

    expect(reply).toEqual({
      type: 'error',
      error: expect.objectContaining({ status: 500 }),
      outcome: null,
    });
  });

  it('drops an invalid cancel without an answer or a call', async () => {
    const cancelled: string[] = [];
    await serve(
      serveProvider(responder, namespace, 'openai', 'cancel', { responder: 'dispatcher-1' }, (request) => {
        cancelled.push(request.requestId);
      }),
    );

    requester.publish(namespace.subject(Subjects.dispatchCancel('openai')), encodeJson({ requestId: '' }));
    requester.publish(namespace.subject(Subjects.dispatchCancel('openai')), encodeJson({ requestId: 'r-2' }));
    await requester.flush();
    await responder.flush();

    expect(cancelled).toEqual(['r-2']);
  });

  it('throws 503 no_subscribers when no dispatcher serves the provider', async () => {
    const error = await thrown(
      requestProvider(requester, namespace, 'nobody', 'embed', embedRequest, {
        timeoutMs: 5000,
        requestId: 'embed-1',
      }),
    );

    expect(error).toMatchObject({ status: 503, code: NO_SUBSCRIBERS });
    expect(error.message).toContain('dispatcher-nobody');
  });

  it('throws invalid_bus_reply for a reply its schema rejects', async () => {
    subscriptions.push(
      responder.subscribe(namespace.subject(Subjects.dispatchEmbed('openai')), {
        callback: (_error, message) => message.respond(encodeJson({ type: 'final' })),
      }),
    );
    await responder.flush();

    const error = await thrown(
      requestProvider(requester, namespace, 'openai', 'embed', embedRequest, {
        timeoutMs: 5000,
        requestId: 'embed-1',
      }),
    );

    expect(error).toMatchObject({ status: 503, code: 'invalid_bus_reply' });
  });
});
