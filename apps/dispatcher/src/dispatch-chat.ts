import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import {
  type AttemptOutcome,
  type ChatCompletionChunk,
  type DispatchChatRequest,
  GatewayError,
  type TokenUsage,
} from '@switchyard/contracts';
import { type Provider, providerFor, SseDecoder } from '@switchyard/providers';
import { SpanKind, SpanStatusCode, tracer } from '@switchyard/telemetry';
import { offloadTokenCounts } from '@switchyard/complexity/tokenizer';
import { estimateUsage, NOTHING_RECEIVED, type ReceivedOutput } from './estimate-usage';
import { RecordAttempt } from './record-attempt';
import type { ReplyChannel } from './reply-channel';
import { type ServedDeployment, ServedDeployments } from './served-deployments';
import { ATTEMPT_LISTENER } from './tokens';
import { upstreamFailure, UpstreamClient } from './upstream-client';

/** Waiting longer than this for a `retry-after` is better spent on a fallback. */
export const MAX_RETRY_WAIT_MS = 30_000;

export interface AttemptListener {
  onAttemptFailed?(served: ServedDeployment, error: GatewayError): void;
  onAttemptSucceeded?(served: ServedDeployment): void;
  onRetry?(served: ServedDeployment, error: GatewayError): void;
}

/**
 * One dispatch of a chat request to one deployment: translate, call upstream, translate back,
 * stream chunks to the requester, record one usage event per upstream attempt, and retry the same
 * deployment on retryable failures as long as nothing has been sent to the requester.
 */
@Injectable()
export class DispatchChat {
  constructor(
    @Inject(ServedDeployments) private readonly deployments: ServedDeployments,
    @Inject(UpstreamClient) private readonly upstream: UpstreamClient,
    @Inject(RecordAttempt) private readonly recordAttempt: RecordAttempt,
    @Inject(ATTEMPT_LISTENER) private readonly listener: AttemptListener = {},
  ) {
    offloadTokenCounts(); // estimates must not hold every stream while the tables load (a worker thread)
  }

  async execute(request: DispatchChatRequest, channel: ReplyChannel, signal: AbortSignal): Promise<void> {
    const served = this.deployments.get(request.deploymentId);
    if (!served) {
      channel.send({
        type: 'error',
        error: GatewayError.unavailable(
          `deployment ${request.deploymentId} is not served by this dispatcher; do the ingress and dispatcher load the same config?`,
          { code: 'unknown_deployment' },
        ).toPayload(),
        outcome: null,
      });
      return;
    }
    const translator = providerFor(served.kind);
    await retryWhileAllowed(
      served,
      signal,
      (retry) => this.attempt(request, served, translator, retry, channel, signal),
      this.listener,
      (failed) => channel.send({ type: 'error', error: failed.error.toPayload(), outcome: failed.outcome }),
    );
  }

  private async attempt(
    request: DispatchChatRequest,
    served: ServedDeployment,
    translator: Provider,
    retry: number,
    channel: ReplyChannel,
    signal: AbortSignal,
  ): Promise<AttemptResult> {
    const provider = served.target.provider;
    const startedAt = performance.now();
    const span = tracer.startSpan(`upstream ${provider}`, {
      kind: SpanKind.CLIENT,
      attributes: {
        'gen_ai.system': provider,
        'gen_ai.request.model': served.target.providerModel,
        'switchyard.retry': retry,
      },
    });
    const record = (
      status: 'success' | 'error' | 'cancelled',
      httpStatus: number,
      usage: TokenUsage | null,
      error: GatewayError | null,
      firstTokenAt: number | null = null,
      usageEstimated = false,
    ): AttemptOutcome => {
      span.setAttributes({
        'http.response.status_code': httpStatus,
        'gen_ai.usage.input_tokens': usage?.input.total ?? 0,
        'gen_ai.usage.output_tokens': usage?.output.total ?? 0,
      });
      if (status !== 'success') span.setStatus({ code: SpanStatusCode.ERROR, message: error?.message });
      span.end();
      return this.recordAttempt.execute({
        requestId: request.requestId,
        attempt: request.attempt,
        retry,
        stream: request.stream,
        accounting: request.accounting,
        served,
        startedAt,
        firstTokenAt,
        usage,
        usageEstimated,
        status,
        httpStatus,
        error,
      });
    };
    const failed = (error: GatewayError, outcome: AttemptOutcome | null): AttemptResult => {
      this.listener.onAttemptFailed?.(served, error);
      if (error.isRetryable && channel.chunksSent === 0 && !signal.aborted)
        return { kind: 'retry', error, outcome };
      channel.send({ type: 'error', error: error.toPayload(), outcome });
      return { kind: 'done' };
    };

    let httpRequest;
    try {
      httpRequest = translator.chat.buildRequest(request.body, served.target, { stream: request.stream });
    } catch (error) {
      const failure =
        error instanceof GatewayError ? error : GatewayError.invalidRequest((error as Error).message);
      channel.send({ type: 'error', error: failure.toPayload(), outcome: null });
      return { kind: 'done' };
    }

    const timeouts = request.stream ? served.timeouts.stream : served.timeouts.chat;
    // Let the bus messages already read with this request run first: a request that waited behind
    // a stalled process arrives with its cancel right behind it, and must not be sent at all.
    await new Promise((resolve) => setImmediate(resolve));
    if (signal.aborted) {
      // cancelled before it was sent (e.g. queued behind a stalled event loop, then redispatched):
      // the provider never saw it, so its row carries no usage and costs nothing
      const failure = upstreamFailure(new Error('cancelled before it was sent'), provider, signal);
      return failed(failure, record('cancelled', failure.status, null, failure));
    }
    let response;
    try {
      response = await this.upstream.send(httpRequest, provider, timeouts, signal);
    } catch (error) {
      const failure = upstreamFailure(error, provider, signal);
      // cancelled or out of time once sent, the provider may have started (and will bill) the call
      const usage = mayBeBilled(failure, signal)
        ? await estimateUsage(request.body, NOTHING_RECEIVED, null)
        : null;
      return failed(
        failure,
        record(signal.aborted ? 'cancelled' : 'error', failure.status, usage, failure, null, usage !== null),
      );
    }

    if (response.status >= 400) {
      let text = '';
      try {
        text = await response.body.text();
      } catch {
        // the status alone says enough
      }
      const failure = translator.parseError(response.status, text, response.headers, served.target);
      return failed(failure, record('error', response.status, null, failure));
    }

    if (!request.stream) {
      let body: string | null = null;
      try {
        body = await response.body.text();
        const result = translator.chat.parseResponse(JSON.parse(body) as unknown, served.target);
        const outcome = record('success', response.status, result.usage, null);
        this.listener.onAttemptSucceeded?.(served);
        channel.send({ type: 'final', outcome, response: result.response });
      } catch (error) {
        const failure =
          error instanceof SyntaxError
            ? GatewayError.upstream(502, `${provider} sent a response that is not valid JSON`, { provider })
            : upstreamFailure(error, provider, signal);
        // the provider answered 2xx, so it ran the call: its output is what arrived, if anything
        const received = body === null ? NOTHING_RECEIVED : { text: body, reasoning: '' };
        const usage = await estimateUsage(request.body, received, null);
        return failed(
          failure,
          record(signal.aborted ? 'cancelled' : 'error', failure.status, usage, failure, null, true),
        );
      }
      return { kind: 'done' };
    }

    const decoder = new SseDecoder();
    const parser = translator.chat.createStreamParser(served.target);
    let firstTokenAt: number | null = null;
    const streamed: ReceivedOutput = { text: '', reasoning: '' };
    const forward = (chunks: ChatCompletionChunk[]) => {
      for (const chunk of chunks) {
        if (firstTokenAt === null && carriesOutput(chunk)) firstTokenAt = performance.now();
        receive(chunk, streamed);
        channel.send({ type: 'chunk', chunk });
      }
    };
    try {
      for await (const piece of response.body) {
        for (const event of decoder.push(piece as Buffer)) forward(parser.push(event));
      }
      for (const event of decoder.end()) forward(parser.push(event));
      forward(parser.end());
      if (!parser.done) {
        throw GatewayError.upstream(502, `the ${provider} stream ended before it was complete`, {
          code: 'upstream_stream_cut',
          provider,
        });
      }
    } catch (error) {
      response.body.destroy();
      const failure = error instanceof GatewayError ? error : upstreamFailure(error, provider, signal);
      const known = parser.summary().usage;
      const usage = known ?? (await estimateUsage(request.body, streamed, null));
      return failed(
        failure,
        record(
          signal.aborted ? 'cancelled' : 'error',
          failure.status,
          usage,
          failure,
          firstTokenAt,
          known === null,
        ),
      );
    }
    const summary = parser.summary();
    const usage = summary.usage ?? (await estimateUsage(request.body, streamed, null));
    const outcome = record('success', response.status, usage, null, firstTokenAt, summary.usage === null);
    this.listener.onAttemptSucceeded?.(served);
    channel.send({ type: 'final', outcome, response: null });
    return { kind: 'done' };
  }
}

/** `retry-after` when the provider gave one, else exponential backoff from 250 ms with jitter. */
export function retryDelayMs(error: GatewayError, retry: number): number {
  if (error.retryAfterMs !== null) return error.retryAfterMs;
  return Math.round(250 * 2 ** retry * (0.8 + Math.random() * 0.4));
}

function carriesOutput(chunk: ChatCompletionChunk): boolean {
  return chunk.choices.some(
    (choice) =>
      Boolean(choice.delta.content) ||
      Boolean(choice.delta.reasoning_content) ||
      Boolean(choice.delta.tool_calls?.length),
  );
}

/** Adds a chunk's answer text, tool-call arguments and reasoning to what the stream delivered. */
function receive(chunk: ChatCompletionChunk, streamed: ReceivedOutput): void {
  for (const choice of chunk.choices) {
    if (choice.delta.content) streamed.text += choice.delta.content;
    if (choice.delta.reasoning_content) streamed.reasoning += choice.delta.reasoning_content;
    for (const call of choice.delta.tool_calls ?? []) streamed.text += call.function?.arguments ?? '';
  }
}

/**
 * Whether an attempt that failed before its response arrived may still be billed: it was
 * cancelled (the request may have reached the provider) or timed out waiting for the answer. A
 * refused or failed connection, or a connect timeout (`upstream_connect_timeout`), never reached it.
 */
export function mayBeBilled(failure: GatewayError, signal: AbortSignal): boolean {
  return signal.aborted || failure.code === 'timeout';
}

/** What one attempt ended in: answered (its replies are sent), or failed, maybe worth a retry. */
export type AttemptResult =
  { kind: 'done' } | { kind: 'retry'; error: GatewayError; outcome: AttemptOutcome | null };

/**
 * Runs attempts of one deployment (chat or native Responses) until one is answered, retrying a
 * failed one while the deployment's `num_retries` allow, the caller has not aborted and the wait
 * (`retryDelayMs`) stays within `MAX_RETRY_WAIT_MS`; otherwise `fail` gets the last failure.
 */
export async function retryWhileAllowed(
  served: ServedDeployment,
  signal: AbortSignal,
  attempt: (retry: number) => Promise<AttemptResult>,
  listener: AttemptListener,
  fail: (failed: Extract<AttemptResult, { kind: 'retry' }>) => void,
): Promise<void> {
  for (let retry = 0; ; retry += 1) {
    const result = await attempt(retry);
    if (result.kind === 'done') return;
    const waitMs = retryDelayMs(result.error, retry);
    if (retry >= served.numRetries || signal.aborted || waitMs > MAX_RETRY_WAIT_MS) {
      fail(result);
      return;
    }
    listener.onRetry?.(served, result.error);
    try {
      await sleep(waitMs, undefined, { signal });
    } catch {
      fail(result);
      return;
    }
  }
}
