import { connect, type NatsConnection } from 'nats';
import { GatewayError } from '@switchyard/contracts';
import { testInfrastructure, uniqueSuffix } from '@switchyard/testing';
import { busCallbackFailures } from '@switchyard/telemetry/bus-metrics';
import { BusNamespace } from './bus-namespace';
import { decodeJson, encodeJson } from './json-codec';
import { NO_SUBSCRIBERS } from './no-subscribers';
import { StreamRequester } from './stream-requester';

interface Outcome {
  messages: unknown[];
  failure: GatewayError | null;
}

describe(StreamRequester.name, () => {
  let requesterConnection: NatsConnection;
  let responderConnection: NatsConnection;
  let sut: StreamRequester;
  const namespace = new BusNamespace(`t${uniqueSuffix()}.`);

  beforeAll(async () => {
    const servers = testInfrastructure().natsUrl;
    requesterConnection = await connect({ servers, name: 'stream-requester-test' });
    responderConnection = await connect({ servers, name: 'stream-responder-test' });
    // a responder that answers every request with two messages
    responderConnection.subscribe(namespace.subject('echo.v1'), {
      callback: (_error, message) => {
        const request = decodeJson(message.data) as { text: string };
        message.respond(encodeJson({ part: 1, text: request.text }));
        message.respond(encodeJson({ part: 2, text: request.text }));
      },
    });
    await responderConnection.flush();
    sut = new StreamRequester(requesterConnection, namespace);
  });

  afterAll(async () => {
    await sut.close();
    await requesterConnection.close();
    await responderConnection.close();
  });

  function request(
    text: string,
    onMessage: (message: unknown) => void = () => undefined,
    subject = 'echo.v1',
  ): Promise<Outcome> {
    return new Promise((resolve) => {
      const outcome: Outcome = { messages: [], failure: null };
      const stream = sut.start(
        subject,
        { text },
        { firstReplyTimeoutMs: 5000, idleTimeoutMs: 5000 },
        {
          onMessage: (message) => {
            onMessage(message);
            outcome.messages.push(message);
            if (outcome.messages.length === 2) {
              stream.close();
              resolve(outcome);
            }
          },
          onFailure: (error) => {
            outcome.failure = error;
            resolve(outcome);
          },
        },
      );
    });
  }

  it('ends only the stream whose handler threw, with an error, and keeps serving the others', async () => {
    const failuresBefore = (await busCallbackFailures.get()).values.find(
      (value) => value.labels.subscription === 'stream-replies',
    )?.value;

    const thrown = await request('first', () => {
      throw new TypeError('Invalid character in header content ["x-litellm-model-group"]');
    });
    const next = await request('second');

    expect(thrown.failure).toBeInstanceOf(GatewayError);
    expect(thrown.failure?.status).toBe(500);
    expect(next.failure).toBeNull();
    expect(next.messages).toEqual([
      { part: 1, text: 'second' },
      { part: 2, text: 'second' },
    ]);
    const failuresAfter = (await busCallbackFailures.get()).values.find(
      (value) => value.labels.subscription === 'stream-replies',
    )?.value;
    expect((failuresAfter ?? 0) - (failuresBefore ?? 0)).toBe(1);
    expect(requesterConnection.isClosed()).toBe(false);
  });

  it('marks a request nobody subscribes to, the one failure that needs no cancel', async () => {
    const outcome = await request('nobody', undefined, 'nobody-listens.v1');

    expect(outcome.failure?.code).toBe(NO_SUBSCRIBERS);
    expect(outcome.messages).toEqual([]);
  });
});
