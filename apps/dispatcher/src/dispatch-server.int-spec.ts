import { connect, type NatsConnection } from 'nats';
import { BusNamespace, decodeJson, encodeJson, NatsProviderServer } from '@switchyard/bus';
import {
  type DispatchEmbedReply,
  type DispatchEmbedRequest,
  GatewayError,
  Subjects,
} from '@switchyard/contracts';
import { testInfrastructure, uniqueSuffix } from '@switchyard/testing';
import type { DispatchChat } from './dispatch-chat';
import type { DispatchEmbeddings } from './dispatch-embeddings';
import { DispatchServer } from './dispatch-server';
import { InFlightRequests } from './in-flight-requests';
import type { ProbeDeployment } from './probe-deployment';

const request: DispatchEmbedRequest = {
  requestId: 'embed-1',
  attempt: 0,
  deploymentId: 'deployment-1',
  body: { model: 'text-embedding-3-small', input: 'hello' },
  accounting: {
    endpoint: 'embeddings',
    modelGroup: 'text-embedding-3-small',
    route: null,
    keyId: 'key-1',
    sessionId: null,
    user: null,
    metadata: null,
  },
};

/** An embeddings use case that runs until it is aborted, then records its attempt and replies. */
class AbortOnlyEmbeddings {
  readonly started: Promise<void>;
  recorded = false;
  private markStarted: () => void = () => undefined;

  constructor() {
    this.started = new Promise((resolve) => (this.markStarted = resolve));
  }

  execute(_request: DispatchEmbedRequest, signal: AbortSignal): Promise<DispatchEmbedReply> {
    this.markStarted();
    return new Promise((resolve) =>
      signal.addEventListener('abort', () => {
        this.recorded = true;
        resolve({
          type: 'error',
          error: GatewayError.upstream(499, 'cancelled', { code: 'client_closed_request' }).toPayload(),
          outcome: null,
        });
      }),
    );
  }
}

describe(DispatchServer.name, () => {
  let connection: NatsConnection;
  let inFlight: InFlightRequests;
  const namespace = new BusNamespace(`t${uniqueSuffix()}.`);

  beforeAll(async () => {
    connection = await connect({ servers: testInfrastructure().natsUrl, name: 'dispatch-server-test' });
  });

  afterAll(async () => {
    inFlight.stop();
    await connection.close();
  });

  it('on shutdown cancels an embedding still in flight and waits for it to record its usage', async () => {
    const embeddings = new AbortOnlyEmbeddings();
    inFlight = new InFlightRequests();
    const sut = new DispatchServer(
      new NatsProviderServer(connection, namespace),
      ['openai'],
      'dispatcher-test',
      {} as DispatchChat,
      embeddings as unknown as DispatchEmbeddings,
      inFlight,
      {} as ProbeDeployment,
    );
    sut.start();
    await connection.flush();
    const reply = connection.request(
      namespace.subject(Subjects.dispatchEmbed('openai')),
      encodeJson(request),
      { timeout: 30_000 },
    );
    await embeddings.started;

    await sut.stop(100);

    expect(embeddings.recorded).toBe(true);
    expect(inFlight.size).toBe(0);
    expect(decodeJson((await reply).data)).toEqual(expect.objectContaining({ type: 'error' }));
  });
});
