import { connect, type JetStreamManager, type NatsConnection, type Subscription } from 'nats';
import { Registry } from 'prom-client';
import { parseGatewayConfig } from '@switchyard/config';
import { BusNamespace, ensureUsageStreams, StreamRequester, UsagePublisher } from '@switchyard/bus';
import {
  type DispatchResponsesRequest,
  Streams,
  type UsageBatch,
  type UsageEvent,
} from '@switchyard/contracts';
import { DispatcherMetrics, IngressMetrics } from '@switchyard/telemetry';
import { eventually, testInfrastructure, TEST_USAGE_STREAM_LIMITS, uniqueSuffix } from '@switchyard/testing';
import { createMockProvider, type MockProvider } from '../../mock-provider/src/mock-provider';
import { AttemptFailure } from '../../ingress/src/dispatch/attempt-failure';
import { DispatchClient, type DispatchResponsesPart } from '../../ingress/src/dispatch/dispatch-client';
import type { DispatchChat } from './dispatch-chat';
import type { DispatchEmbeddings } from './dispatch-embeddings';
import { DispatchResponses, nativeResponsesProviders } from './dispatch-responses';
import { DispatchServer } from './dispatch-server';
import { InFlightRequests } from './in-flight-requests';
import type { ProbeDeployment } from './probe-deployment';
import { RecordAttempt } from './record-attempt';
import { RouterBaselines } from './router-baselines';
import { ServedDeployments } from './served-deployments';
import { UpstreamClient } from './upstream-client';

const UPSTREAM_KEY = `sk-upstream-${uniqueSuffix()}-0123456789abcdef`;
const route = {
  router: 'frontier-router',
  tier: 'COMPLEX' as const,
  score: 0.7,
  cause: 'heuristic_scorer' as const,
  dimensions: {},
};

async function read(
  replies: AsyncIterable<DispatchResponsesPart>,
): Promise<{ parts: DispatchResponsesPart[]; failure: AttemptFailure | null }> {
  const parts: DispatchResponsesPart[] = [];
  try {
    for await (const part of replies) parts.push(part);
    return { parts, failure: null };
  } catch (failure) {
    if (!(failure instanceof AttemptFailure)) throw failure;
    return { parts, failure };
  }
}

/** DispatchClient.responses → NATS → DispatchServer → DispatchResponses → the mock's `/v1/responses`. */
describe(DispatchResponses.name, () => {
  let connection: NatsConnection;
  let manager: JetStreamManager;
  let mock: MockProvider;
  let publisher: UsagePublisher;
  let server: DispatchServer;
  let inFlight: InFlightRequests;
  let upstream: UpstreamClient;
  let streams: StreamRequester;
  let sut: DispatchClient;
  let wiretaps: Subscription[];
  const busPayloads: string[] = [];
  const namespace = new BusNamespace(`t${uniqueSuffix()}.`);

  beforeAll(async () => {
    connection = await connect({ servers: testInfrastructure().natsUrl, name: 'dispatch-responses-test' });
    manager = await connection.jetstreamManager();
    await ensureUsageStreams(manager, namespace, { createWithLimits: TEST_USAGE_STREAM_LIMITS });
    mock = await createMockProvider();
    const configuration = parseGatewayConfig(
      `
model_list:
  - model_name: gpt-5.5
    litellm_params: { model: openai/gpt-5.5, api_key: ${UPSTREAM_KEY}, api_base: ${mock.url}/v1, num_retries: 1 }
    model_info: { id: openai-gpt }
  - model_name: claude
    litellm_params: { model: anthropic/claude-sonnet-4-6, api_key: sk-ant-x, api_base: ${mock.url} }
    model_info: { id: anthropic-claude }
`,
      { source: 'dispatch-responses-test.yaml', environment: {} },
    );
    const served = new ServedDeployments(['openai', 'anthropic'], configuration);
    publisher = new UsagePublisher(connection, namespace);
    const record = new RecordAttempt(
      publisher,
      new RouterBaselines(configuration),
      new DispatcherMetrics(new Registry()),
    );
    upstream = new UpstreamClient();
    inFlight = new InFlightRequests();
    server = new DispatchServer(
      connection,
      namespace,
      served.providers,
      'dispatcher-responses-test',
      {} as DispatchChat,
      {} as DispatchEmbeddings,
      inFlight,
      {} as ProbeDeployment,
      {
        dispatch: new DispatchResponses(served, upstream, record),
        providers: nativeResponsesProviders(served.providers, configuration),
      },
    );
    server.start();
    // every request, cancel, reply and usage message of these tests, to check that the key never
    // rides on one (not `>`: that would subscribe to the subjects no dispatcher serves)
    wiretaps = ['dispatch.openai.>', 'usage.>']
      .map((subject) => namespace.subject(subject))
      .concat('_INBOX.>')
      .map((subject) =>
        connection.subscribe(subject, {
          callback: (_error, message) => busPayloads.push(Buffer.from(message.data).toString('utf8')),
        }),
      );
    streams = new StreamRequester(connection, namespace);
    sut = new DispatchClient(streams, connection, namespace, new IngressMetrics(new Registry()));
    await connection.flush();
  });

  afterAll(async () => {
    for (const wiretap of wiretaps) wiretap.unsubscribe();
    await server.stop(1000);
    inFlight.stop();
    await streams.close();
    await publisher.flush();
    await upstream.close();
    await mock.close();
    for (const stream of [Streams.usage, Streams.usageDeadLetter])
      await manager.streams.delete(namespace.name(stream.name)).catch(() => undefined);
    await connection.drain();
  });

  beforeEach(async () => {
    await fetch(`${mock.url}/__mock/reset`, { method: 'POST' });
  });

  function requestOf(body: Record<string, unknown>, stream = true): DispatchResponsesRequest {
    return {
      requestId: `resp-${uniqueSuffix()}`,
      attempt: 0,
      deploymentId: 'openai-gpt',
      stream,
      body: { model: 'frontier-router', ...body, ...(stream ? { stream: true } : {}) },
      accounting: {
        endpoint: 'responses',
        modelGroup: 'frontier-router',
        route,
        keyId: 'key-1',
        sessionId: 'session-1',
        user: null,
        metadata: null,
      },
    };
  }

  /** The usage events the dispatcher published for one request (each attempt's row). */
  async function usageOf(requestId: string, count: number): Promise<UsageEvent[]> {
    expect(await publisher.flush()).toBe(true);
    return eventually(
      async () => {
        const stream = namespace.name(Streams.usage.name);
        const info = await manager.streams.info(stream);
        const events: UsageEvent[] = [];
        for (
          let seq = info.state.first_seq;
          seq <= info.state.last_seq && info.state.messages > 0;
          seq += 1
        ) {
          const message = await manager.streams.getMessage(stream, { seq });
          const batch = JSON.parse(Buffer.from(message.data).toString('utf8')) as UsageBatch;
          events.push(...(batch.events as UsageEvent[]).filter((event) => event.requestId === requestId));
        }
        return events.sort((a, b) => a.retry - b.retry);
      },
      (events) => events.length >= count,
      { description: `${count} usage events of ${requestId}` },
    );
  }

  async function mockRequests(): Promise<Array<Record<string, unknown>>> {
    const response = await fetch(`${mock.url}/__mock/requests`);
    return ((await response.json()) as { requests: Array<Record<string, unknown>> }).requests;
  }

  it('streams the native events, then the outcome, and records one usage row with endpoint responses', async () => {
    const request = requestOf({
      input: [{ role: 'user', content: 'Hello there' }],
      reasoning: { effort: 'low', summary: 'auto' },
      include: ['reasoning.encrypted_content'],
      store: false,
    });

    const { parts, failure } = await read(sut.responses('openai', request));

    expect(failure).toBeNull();
    const events = parts.flatMap((part) => (part.type === 'event' ? [part.event] : []));
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_event, index) => index));
    expect(events[0].type).toBe('response.created');
    const completed = events.at(-1)!;
    expect(completed.type).toBe('response.completed');
    const response = completed.response as {
      output: Array<Record<string, unknown>>;
      usage: Record<string, unknown>;
    };
    expect(response.output[0]).toMatchObject({
      type: 'reasoning',
      encrypted_content: expect.stringMatching(/^gAAAAAB/),
    });
    const final = parts.at(-1)!;
    if (final.type !== 'final') throw new Error('expected the final part last');
    expect(final.response).toBeNull();
    expect(final.outcome.usage.output.reasoning).toBe(32);
    expect(final.outcome.usage.input.total).toBe(response.usage.input_tokens);

    const [row, ...others] = await usageOf(request.requestId, 1);
    expect(others).toEqual([]);
    expect(row).toMatchObject({
      endpoint: 'responses',
      status: 'success',
      stream: true,
      provider: 'openai',
      deploymentId: 'openai-gpt',
      modelGroup: 'frontier-router',
      route: { router: 'frontier-router', tier: 'COMPLEX' },
      usageEstimated: false,
    });
    const [upstreamCall] = await mockRequests();
    expect(upstreamCall).toMatchObject({ endpoint: 'responses', model: 'gpt-5.5', authPresent: true });
    expect(upstreamCall.body).toMatchObject({
      model: 'gpt-5.5',
      include: ['reasoning.encrypted_content'],
      store: false,
    });
    expect(busPayloads.some((payload) => payload.includes(request.requestId))).toBe(true);
    expect(busPayloads.some((payload) => payload.includes(UPSTREAM_KEY))).toBe(false);
  });

  it('answers a non-streamed call with the response object in the final part', async () => {
    const request = requestOf({ input: 'Hello JSON' }, false);

    const { parts, failure } = await read(sut.responses('openai', request));

    expect(failure).toBeNull();
    expect(parts).toHaveLength(1);
    const [final] = parts;
    if (final.type !== 'final') throw new Error('expected a final part');
    expect(final.response).toMatchObject({ object: 'response', status: 'completed', model: 'gpt-5.5' });
    expect(await usageOf(request.requestId, 1)).toEqual([
      expect.objectContaining({ endpoint: 'responses', status: 'success', stream: false }),
    ]);
  });

  it('retries an error event that came before any output, with a usage row per attempt', async () => {
    await fetch(`${mock.url}/__mock/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ match: { format: 'openai' }, errorAfterChunks: 2, times: 1 }]),
    });
    const request = requestOf({ input: 'Hello again' });

    const { parts, failure } = await read(sut.responses('openai', request));

    expect(failure).toBeNull();
    expect(
      parts.filter((part) => part.type === 'event' && part.event.type === 'response.created'),
    ).toHaveLength(1);
    const rows = await usageOf(request.requestId, 2);
    expect(rows.map((row) => [row.retry, row.status, row.endpoint])).toEqual([
      [0, 'error', 'responses'],
      [1, 'success', 'responses'],
    ]);
  });

  it('fails a malformed event as a retryable 502 the fallback policy can act on, with its usage rows', async () => {
    await fetch(`${mock.url}/__mock/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ match: { format: 'openai' }, malformedChunkAt: 3, times: 2 }]),
    });
    const request = requestOf({ input: 'Hello malformed' });

    const { parts, failure } = await read(sut.responses('openai', request));

    expect(parts).toEqual([]);
    expect(failure?.error).toMatchObject({ status: 502, code: 'bad_upstream_response', isRetryable: true });
    expect(failure?.outcome).not.toBeNull();
    const rows = await usageOf(request.requestId, 2);
    expect(rows.map((row) => [row.status, row.httpStatus])).toEqual([
      ['error', 502],
      ['error', 502],
    ]);
  });

  it('does not retry a stream cut after its first output, and records the attempt with estimated usage', async () => {
    await fetch(`${mock.url}/__mock/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ match: { format: 'openai' }, cutAfterChunks: 6, times: 1 }]),
    });
    const request = requestOf({ input: 'Hello cut' });

    const { parts, failure } = await read(sut.responses('openai', request));

    expect(parts.length).toBeGreaterThan(2);
    // the socket was destroyed mid-body: a connection error, retryable in itself, yet not retried
    expect(failure?.error).toMatchObject({
      status: 502,
      code: 'upstream_connection_error',
      isRetryable: true,
    });
    expect(await usageOf(request.requestId, 1)).toEqual([
      expect.objectContaining({ endpoint: 'responses', status: 'error', retry: 0, usageEstimated: true }),
    ]);
    expect(await mockRequests()).toHaveLength(1);
  });

  it('passes a non-retryable upstream error on at once, mapped by the OpenAI error parser', async () => {
    const request = requestOf({ input: 'Hello', tool_choice: 'sometimes' });

    const { failure } = await read(sut.responses('openai', request));

    expect(failure?.error).toMatchObject({ status: 400, isRetryable: false, provider: 'openai' });
    expect(failure?.error.message).toContain('Invalid value: \'"sometimes"\'');
    expect(await usageOf(request.requestId, 1)).toEqual([
      expect.objectContaining({ endpoint: 'responses', status: 'error', httpStatus: 400 }),
    ]);
  });

  it('does not serve the responses subject for providers without a native Responses API', async () => {
    const { failure } = await read(
      sut.responses('anthropic', { ...requestOf({ input: 'hi' }), deploymentId: 'anthropic-claude' }),
    );

    // no_subscribers, or no_responder when some wildcard subscriber on the shared server hears it
    expect(failure?.error.status).toBe(503);
    expect(['no_subscribers', 'no_responder']).toContain(failure?.error.code);
    expect(await mockRequests()).toEqual([]);
  });

  it('cancels the upstream call mid-stream when the signal aborts, and still records the attempt', async () => {
    const abort = new AbortController();
    const request = requestOf({ input: 'Hello slowly' });
    const headers = { 'x-mock-fault': JSON.stringify({ chunks: 40, chunkDelayMs: 100 }) };
    await fetch(`${mock.url}/__mock/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ match: { format: 'openai' }, ...JSON.parse(headers['x-mock-fault']) }]),
    });
    const parts: DispatchResponsesPart[] = [];
    let failure: AttemptFailure | null = null;
    try {
      for await (const part of sut.responses('openai', request, abort.signal)) {
        parts.push(part);
        if (part.type === 'event' && part.event.type === 'response.output_text.delta') abort.abort();
      }
    } catch (thrown) {
      failure = thrown as AttemptFailure;
    }

    expect(failure).toBeInstanceOf(AttemptFailure);
    expect(failure?.error.code).toBe('client_closed_request');
    expect(failure?.outcome).not.toBeNull();
    expect(parts.some((part) => part.type === 'event' && part.event.type === 'response.completed')).toBe(
      false,
    );
    const [entry] = await eventually(mockRequests, (entries) => entries[0]?.closedEarlyAt != null, {
      description: 'the mock saw the upstream call closed early',
    });
    expect(entry.endpoint).toBe('responses');
    expect(await usageOf(request.requestId, 1)).toEqual([
      expect.objectContaining({ endpoint: 'responses', status: 'cancelled' }),
    ]);
  });
});
