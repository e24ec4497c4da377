import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { countTokens } from 'gpt-tokenizer';
import { parseGatewayConfig } from '@switchyard/config';
import type { DispatchChatRequest, DispatchReply } from '@switchyard/contracts';
import { createMockProvider, type MockProvider } from '../../mock-provider/src/mock-provider';
import { DispatchChat } from './dispatch-chat';
import type { AttemptRecord, RecordAttempt } from './record-attempt';
import type { ReplyChannel } from './reply-channel';
import { ServedDeployments } from './served-deployments';
import { UpstreamClient } from './upstream-client';

const REASONING = 'First I read the file, then I compare both versions of the function.';
const ANSWER = 'The second version';

type Behaviour = 'hang' | 'reasoning-then-cut';

/** A stand-in upstream that never answers, or streams reasoning and some answer and then drops the connection. */
function startUpstream(behaviour: () => Behaviour, arrived: () => void): Promise<Server> {
  const server = createServer((request, response: ServerResponse) => {
    request.resume();
    request.on('end', () => {
      arrived();
      if (behaviour() === 'hang') return;
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = (delta: Record<string, string>) =>
        `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'gpt-5.4-mini', choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`;
      response.write(chunk({ role: 'assistant', reasoning_content: REASONING }));
      response.write(chunk({ content: ANSWER }), () => response.destroy());
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function servedAt(base: string): ServedDeployments {
  const yaml = `
model_list:
  - model_name: gpt-5.4-mini
    litellm_params: { model: openai/gpt-5.4-mini, api_key: sk-upstream, api_base: ${base}/v1, num_retries: 0, timeout: 0.5 }
    model_info: { id: openai-mini }
`;
  const configuration = parseGatewayConfig(yaml, { source: 'dispatch-test.yaml', environment: {} });
  return new ServedDeployments(['openai'], configuration);
}

function requestOf(stream: boolean): DispatchChatRequest {
  return {
    requestId: 'r1',
    attempt: 0,
    deploymentId: 'openai-mini',
    stream,
    body: {
      model: 'gpt-5.4-mini',
      messages: [{ role: 'user', content: 'Compare both versions of the function in this file, please.' }],
    },
    accounting: {
      endpoint: 'chat',
      modelGroup: 'gpt-5.4-mini',
      route: null,
      keyId: null,
      sessionId: null,
      user: null,
      metadata: null,
    },
  };
}

/** A reply channel that keeps what it is sent (in the array the getter returns at that time). */
function recordingChannel(replies: () => DispatchReply[]) {
  const channel = {
    chunksSent: 0,
    send: (reply: DispatchReply) => {
      replies().push(reply);
      if (reply.type === 'chunk') channel.chunksSent += 1;
    },
  };
  return channel;
}

/** A RecordAttempt that keeps every attempt record instead of publishing it. */
function recordingAttempts(records: AttemptRecord[]): RecordAttempt {
  const recordAttempt = {
    execute: (record: AttemptRecord) => {
      records.push(record);
      return { usage: record.usage } as ReturnType<RecordAttempt['execute']>;
    },
  };
  return recordAttempt as unknown as RecordAttempt;
}

describe(DispatchChat.name, () => {
  let server: Server;
  let behaviour: Behaviour = 'hang';
  let onArrival: () => void = () => undefined;
  let upstream: UpstreamClient;
  let records: AttemptRecord[];
  let replies: DispatchReply[];
  let sut: DispatchChat;
  const channel = recordingChannel(() => replies);

  beforeAll(async () => {
    server = await startUpstream(
      () => behaviour,
      () => onArrival(),
    );
  });

  beforeEach(() => {
    records = [];
    replies = [];
    channel.chunksSent = 0;
    upstream = new UpstreamClient(4);
    const recordAttempt = recordingAttempts(records);
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    sut = new DispatchChat(servedAt(base), upstream, recordAttempt);
  });

  afterEach(async () => {
    await upstream.close();
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('estimates a non-streaming call cancelled after it was sent, instead of recording it at $0', async () => {
    behaviour = 'hang';
    const controller = new AbortController();
    onArrival = () => controller.abort();

    await sut.execute(requestOf(false), channel as unknown as ReplyChannel, controller.signal);

    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ status: 'cancelled', usageEstimated: true });
    expect(records[0].usage?.input.total).toBeGreaterThan(10);
    expect(records[0].usage?.output.total).toBe(0);
  });

  it('records a call cancelled before it was sent at no cost, and never sends it', async () => {
    behaviour = 'hang';
    let arrivals = 0;
    onArrival = () => (arrivals += 1);
    const controller = new AbortController();
    controller.abort();

    await sut.execute(requestOf(false), channel as unknown as ReplyChannel, controller.signal);

    expect(arrivals).toBe(0);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ status: 'cancelled', usage: null, usageEstimated: false });
    expect(replies).toEqual([expect.objectContaining({ type: 'error' })]);
  });

  it('never sends a request whose cancel was read right behind it (a dispatcher that was stalled), and records it at no cost', async () => {
    behaviour = 'hang';
    let arrivals = 0;
    onArrival = () => (arrivals += 1);
    const controller = new AbortController();

    const done = sut.execute(requestOf(true), channel as unknown as ReplyChannel, controller.signal);
    controller.abort(); // the cancel, handled in the same turn as the request
    await done;

    expect(arrivals).toBe(0);
    expect(records).toEqual([expect.objectContaining({ status: 'cancelled', usage: null })]);
  });

  it('estimates a non-streaming call that timed out waiting for its answer', async () => {
    behaviour = 'hang';
    onArrival = () => undefined;

    await sut.execute(requestOf(false), channel as unknown as ReplyChannel, new AbortController().signal);

    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ status: 'error', httpStatus: 504, usageEstimated: true });
    expect(records[0].usage?.input.total).toBeGreaterThan(10);
  });

  it('counts the streamed reasoning of a cut stream as reasoning tokens within the output', async () => {
    behaviour = 'reasoning-then-cut';
    onArrival = () => undefined;

    await sut.execute(requestOf(true), channel as unknown as ReplyChannel, new AbortController().signal);

    expect(records).toHaveLength(1);
    expect(records[0].usageEstimated).toBe(true);
    expect(records[0].usage?.output).toEqual({
      total: countTokens(REASONING) + countTokens(ANSWER),
      reasoning: countTokens(REASONING),
    });
  });
});

describe(`${DispatchChat.name} against the mock provider`, () => {
  let mock: MockProvider;
  let upstream: UpstreamClient;
  let records: AttemptRecord[];
  let replies: DispatchReply[];
  let retries: string[];
  let sut: DispatchChat;
  const channel = recordingChannel(() => replies);

  /** The next `times` calls get `fault` (the mock's control API), the ones after answer normally. */
  async function faultNext(fault: Record<string, unknown>, times = 1): Promise<void> {
    const response = await fetch(`${mock.url}/__mock/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ times, fault }]),
    });
    expect(response.ok).toBe(true);
  }

  async function dispatch(stream: boolean): Promise<void> {
    await sut.execute(requestOf(stream), channel as unknown as ReplyChannel, new AbortController().signal);
  }

  beforeAll(async () => {
    mock = await createMockProvider({ streamChunks: 3 });
  });

  beforeEach(async () => {
    await fetch(`${mock.url}/__mock/reset`, { method: 'POST' });
    records = [];
    replies = [];
    retries = [];
    channel.chunksSent = 0;
    upstream = new UpstreamClient(4);
    const yaml = `
model_list:
  - model_name: gpt-5.4-mini
    litellm_params: { model: openai/gpt-5.4-mini, api_key: sk-upstream, api_base: ${mock.url}/v1, num_retries: 2 }
    model_info: { id: openai-mini }
`;
    const configuration = parseGatewayConfig(yaml, { source: 'dispatch-test.yaml', environment: {} });
    const recordAttempt = recordingAttempts(records);
    sut = new DispatchChat(new ServedDeployments(['openai'], configuration), upstream, recordAttempt, {
      onRetry: (_served, error) => retries.push(error.code ?? String(error.status)),
    });
  });

  afterEach(async () => {
    await upstream.close();
  });

  afterAll(async () => {
    await mock.close();
  });

  it('streams every chunk, then one final reply with the usage the provider reported', async () => {
    await dispatch(true);

    const types = replies.map((reply) => reply.type);
    expect(types.at(-1)).toBe('final');
    expect(types.slice(0, -1).every((type) => type === 'chunk')).toBe(true);
    expect(channel.chunksSent).toBeGreaterThanOrEqual(3);
    expect(records).toEqual([
      expect.objectContaining({ status: 'success', httpStatus: 200, retry: 0, usageEstimated: false }),
    ]);
    expect(records[0].usage?.input.total).toBeGreaterThan(0);
  });

  it('answers a call without streaming with the completion on the final reply', async () => {
    await dispatch(false);

    expect(replies).toEqual([
      expect.objectContaining({
        type: 'final',
        response: expect.objectContaining({ object: 'chat.completion' }),
      }),
    ]);
  });

  it('retries a retryable failure on the same deployment, recording each attempt', async () => {
    await faultNext({ status: 503, retryAfter: 0 });

    await dispatch(true);

    expect(retries).toHaveLength(1);
    expect(records.map((record) => [record.retry, record.status, record.httpStatus])).toEqual([
      [0, 'error', 503],
      [1, 'success', 200],
    ]);
    expect(replies.at(-1)?.type).toBe('final');
    expect(replies.some((reply) => reply.type === 'error')).toBe(false);
  });

  it('gives up after num_retries and replies the last error', async () => {
    await faultNext({ status: 503, retryAfter: 0 }, 3);

    await dispatch(false);

    expect(records.map((record) => record.retry)).toEqual([0, 1, 2]);
    expect(replies).toEqual([
      expect.objectContaining({ type: 'error', error: expect.objectContaining({ status: 503 }) }),
    ]);
  });

  it('does not retry a failure that is not retryable', async () => {
    await faultNext({ status: 400, message: 'bad parameter' });

    await dispatch(false);

    expect(retries).toEqual([]);
    expect(records).toHaveLength(1);
    expect(replies).toEqual([
      expect.objectContaining({ type: 'error', error: expect.objectContaining({ status: 400 }) }),
    ]);
  });

  it('does not wait for a retry-after longer than 30 s: the fallback is better', async () => {
    await faultNext({ status: 429, retryAfter: 60 });

    await dispatch(false);

    expect(retries).toEqual([]);
    expect(records).toHaveLength(1);
    expect(replies).toEqual([
      expect.objectContaining({
        type: 'error',
        error: expect.objectContaining({ status: 429, retryAfterMs: 60_000 }),
      }),
    ]);
  });

  it('never retries once chunks reached the requester: the stream ends with the error', async () => {
    await faultNext({ errorAfterChunks: 2 });

    await dispatch(true);

    expect(retries).toEqual([]);
    expect(records).toEqual([expect.objectContaining({ status: 'error', retry: 0 })]);
    expect(replies.slice(0, 2).map((reply) => reply.type)).toEqual(['chunk', 'chunk']);
    expect(replies.at(-1)).toEqual(expect.objectContaining({ type: 'error' }));
    expect(replies.filter((reply) => reply.type === 'final')).toEqual([]);
  });

  it('ends a stream with a malformed event in a 502, recorded as an error attempt', async () => {
    await faultNext({ malformedChunkAt: 2 });

    await dispatch(true);

    const last = replies.at(-1);
    expect(last).toEqual(
      expect.objectContaining({ type: 'error', error: expect.objectContaining({ status: 502 }) }),
    );
    expect(records.at(-1)).toEqual(expect.objectContaining({ status: 'error', httpStatus: 502 }));
  });
});
