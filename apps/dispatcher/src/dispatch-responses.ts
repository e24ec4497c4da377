import { Inject, Injectable } from '@nestjs/common';
import type { GatewayConfiguration } from '@switchyard/config';
import {
  type AttemptOutcome,
  type DispatchResponsesReply,
  type DispatchResponsesRequest,
  GatewayError,
  type TokenUsage,
} from '@switchyard/contracts';
import {
  providerFor,
  type ResponsesEvent,
  type ResponsesTranslator,
  SseDecoder,
} from '@switchyard/providers';
import { SpanKind, SpanStatusCode, tracer } from '@switchyard/telemetry';
import { type AttemptListener, type AttemptResult, mayBeBilled, retryWhileAllowed } from './dispatch-chat';
import { estimateResponsesUsage, NOTHING_RECEIVED, type ReceivedOutput } from './estimate-usage';
import { RecordAttempt } from './record-attempt';
import type { ReplyChannel } from './reply-channel';
import { type ServedDeployment, ServedDeployments } from './served-deployments';
import { ATTEMPT_LISTENER } from './tokens';
import { upstreamFailure, UpstreamClient } from './upstream-client';

type ResponsesChannel = ReplyChannel<DispatchResponsesReply>;

/** Stream events that carry output (the first one stamps the time to first token). */
const TEXT_DELTAS = new Set(['response.output_text.delta', 'response.function_call_arguments.delta']);
const REASONING_DELTAS = new Set(['response.reasoning_summary_text.delta', 'response.reasoning_text.delta']);

/** The served provider instances whose wire format has a native Responses API (`openai` and custom OpenAI-compatible ones). */
export function nativeResponsesProviders(
  providers: readonly string[],
  configuration: GatewayConfiguration,
): string[] {
  return providers.filter((name) => {
    const instance = configuration.providers.get(name);
    return instance !== undefined && providerFor(instance.kind).responses !== undefined;
  });
}

/** The deployment's native Responses translator, or null when its wire format has none. */
export function responsesTranslatorOf(served: ServedDeployment): ResponsesTranslator | null {
  return providerFor(served.kind).responses ?? null;
}

/**
 * One dispatch of a Responses API request to one deployment on the provider's native endpoint
 * (OpenAI's `POST /responses`): the body passes through with the deployment's model, the native
 * events stream back untouched, one usage event per upstream attempt (`endpoint: 'responses'`),
 * and retries of the same deployment on retryable failures while nothing has been sent. Like
 * `DispatchChat`, whose retry and billing rules it shares.
 */
@Injectable()
export class DispatchResponses {
  constructor(
    @Inject(ServedDeployments) private readonly deployments: ServedDeployments,
    @Inject(UpstreamClient) private readonly upstream: UpstreamClient,
    @Inject(RecordAttempt) private readonly recordAttempt: RecordAttempt,
    @Inject(ATTEMPT_LISTENER) private readonly listener: AttemptListener = {},
  ) {}

  async execute(
    request: DispatchResponsesRequest,
    channel: ResponsesChannel,
    signal: AbortSignal,
  ): Promise<void> {
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
    const translator = responsesTranslatorOf(served);
    if (!translator) {
      channel.send({
        type: 'error',
        error: GatewayError.invalidRequest(
          `${served.target.provider} (${served.kind}) has no native Responses API; use the chat path`,
          null,
          'unsupported_endpoint',
        ).toPayload(),
        outcome: null,
      });
      return;
    }
    await retryWhileAllowed(
      served,
      signal,
      (retry) => this.attempt(request, served, translator, retry, channel, signal),
      this.listener,
      (failed) => channel.send({ type: 'error', error: failed.error.toPayload(), outcome: failed.outcome }),
    );
  }

  private async attempt(
    request: DispatchResponsesRequest,
    served: ServedDeployment,
    translator: ResponsesTranslator,
    retry: number,
    channel: ResponsesChannel,
    signal: AbortSignal,
  ): Promise<AttemptResult> {
    const provider = served.target.provider;
    const startedAt = performance.now();
    const span = tracer.startSpan(`upstream ${provider} responses`, {
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
        // whatever the requester wrote, these rows are the Responses surface's
        accounting: { ...request.accounting, endpoint: 'responses' },
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
    const estimate = (received: ReceivedOutput, known: TokenUsage | null = null) =>
      estimateResponsesUsage(request.body, received, known);

    const httpRequest = translator.buildRequest(request.body, served.target, { stream: request.stream });
    const timeouts = request.stream ? served.timeouts.stream : served.timeouts.chat;
    // as for chat: a request whose cancel is already queued behind it is never sent
    await new Promise((resolve) => setImmediate(resolve));
    if (signal.aborted) {
      const failure = upstreamFailure(new Error('cancelled before it was sent'), provider, signal);
      return failed(failure, record('cancelled', failure.status, null, failure));
    }
    let response;
    try {
      response = await this.upstream.send(httpRequest, provider, timeouts, signal);
    } catch (error) {
      const failure = upstreamFailure(error, provider, signal);
      const usage = mayBeBilled(failure, signal) ? await estimate(NOTHING_RECEIVED) : null;
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
      const failure = providerFor(served.kind).parseError(
        response.status,
        text,
        response.headers,
        served.target,
      );
      return failed(failure, record('error', response.status, null, failure));
    }

    if (!request.stream) {
      let body: string | null = null;
      try {
        body = await response.body.text();
        const result = translator.parseResponse(JSON.parse(body) as unknown, served.target);
        const usage = result.usage ?? (await estimate({ text: body, reasoning: '' }));
        const outcome = record('success', response.status, usage, null, null, result.usage === null);
        this.listener.onAttemptSucceeded?.(served);
        channel.send({ type: 'final', outcome, response: result.response });
      } catch (error) {
        const failure =
          error instanceof SyntaxError
            ? GatewayError.upstream(502, `${provider} sent a response that is not valid JSON`, { provider })
            : upstreamFailure(error, provider, signal);
        const usage = await estimate(body === null ? NOTHING_RECEIVED : { text: body, reasoning: '' });
        return failed(
          failure,
          record(signal.aborted ? 'cancelled' : 'error', failure.status, usage, failure, null, true),
        );
      }
      return { kind: 'done' };
    }

    const decoder = new SseDecoder();
    const parser = translator.createStreamParser(served.target);
    let firstTokenAt: number | null = null;
    const streamed: ReceivedOutput = { text: '', reasoning: '' };
    const forward = (events: ResponsesEvent[]) => {
      for (const event of events) {
        const delta = typeof event.delta === 'string' ? event.delta : '';
        if (TEXT_DELTAS.has(event.type)) streamed.text += delta;
        else if (REASONING_DELTAS.has(event.type)) streamed.reasoning += delta;
        if (firstTokenAt === null && delta !== '') firstTokenAt = performance.now();
        channel.send({ type: 'event', event });
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
      const usage = known ?? (await estimate(streamed));
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
    const usage = summary.usage ?? (await estimate(streamed));
    const outcome = record('success', response.status, usage, null, firstTokenAt, summary.usage === null);
    this.listener.onAttemptSucceeded?.(served);
    channel.send({ type: 'final', outcome, response: null });
    return { kind: 'done' };
  }
}
