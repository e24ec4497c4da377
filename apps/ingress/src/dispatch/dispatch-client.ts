import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import {
  BusNamespace,
  type BusStream,
  NO_SUBSCRIBERS,
  requestProvider,
  StreamRequester,
} from '@switchyard/bus';
import {
  type AttemptOutcome,
  type ChatCompletion,
  type ChatCompletionChunk,
  type DispatchEmbedReply,
  type DispatchChatRequest,
  type DispatchEmbedRequest,
  DispatchReply,
  DispatchResponsesReply,
  type DispatchResponsesRequest,
  type GatewayErrorPayload,
  GatewayError,
  Subjects,
} from '@switchyard/contracts';
import type { ResponsesEvent } from '@switchyard/providers';
import { IngressMetrics } from '@switchyard/telemetry';
import { BUS_CONNECTION } from '../infrastructure/tokens';
import { AttemptFailure } from './attempt-failure';
import { ReplyQueue } from './reply-queue';

/** How long to wait for a dispatcher's first reply, and for a silent one (it heartbeats every second). */
const FIRST_REPLY_TIMEOUT_MS = 5000;
const IDLE_TIMEOUT_MS = 5000;
const EMBED_TIMEOUT_MS = 120_000;
/**
 * After a cancel, how long to wait for the dispatcher's last reply (it carries the cancelled
 * attempt's usage) before giving up on it; the stream's own silence timeout usually ends it first.
 */
export const CANCELLED_REPLY_WAIT_MS = 10_000;

/** One reply of a dispatched chat attempt: a streamed chunk, or the last reply with its usage outcome. */
export type DispatchChatPart =
  | { type: 'chunk'; chunk: ChatCompletionChunk }
  | { type: 'final'; outcome: AttemptOutcome; response: ChatCompletion | null };

/**
 * One reply of a dispatched Responses attempt: a native stream event, or the last reply with its
 * usage outcome (and the response object when not streaming).
 */
export type DispatchResponsesPart =
  | { type: 'event'; event: ResponsesEvent }
  | { type: 'final'; outcome: AttemptOutcome; response: Record<string, unknown> | null };

/** What a reply means to the reader: a part to hand on, a heartbeat, or the attempt's error. */
type StreamReply<Part> =
  | { part: Part }
  | { type: 'heartbeat' }
  | { type: 'error'; error: GatewayErrorPayload; outcome: AttemptOutcome | null };

/** The ingress side of `dispatch.<provider>.*`: requests, their reply streams, and cancellation. */
@Injectable()
export class DispatchClient {
  constructor(
    @Inject(StreamRequester) private readonly streams: StreamRequester,
    @Inject(BUS_CONNECTION) private readonly connection: NatsConnection,
    @Inject(BusNamespace) private readonly namespace: BusNamespace,
    @Inject(IngressMetrics) private readonly metrics: IngressMetrics,
  ) {}

  /**
   * Dispatches one chat attempt; its replies come as values, ending with a `final` one, or the
   * iteration throws an `AttemptFailure` (with the attempt's usage outcome when it has one). When
   * `signal` aborts, the dispatcher is told to abort the upstream call: chunks stop at once, the
   * attempt's last reply (its usage outcome) still comes, or an `AttemptFailure` with no outcome
   * when none comes within `CANCELLED_REPLY_WAIT_MS`, so the caller can always settle. A reader
   * that stops early cancels the attempt too.
   */
  chat(
    provider: string,
    request: DispatchChatRequest,
    signal?: AbortSignal,
  ): AsyncIterableIterator<DispatchChatPart> {
    return this.streamAttempt<DispatchChatPart>(
      Subjects.dispatchChat(provider),
      provider,
      request,
      'dispatch.chat',
      (message) => {
        const parsed = DispatchReply.safeParse(message);
        if (!parsed.success) return null;
        const reply = parsed.data;
        return reply.type === 'chunk' || reply.type === 'final' ? { part: reply } : reply;
      },
      signal,
    );
  }

  /**
   * Dispatches one attempt to the provider's native Responses API (`POST {api_base}/responses`;
   * only for providers whose wire format has one, OpenAI's: others answer no `responses` subject).
   * `request.body` is the client's Responses body, passed through with the deployment's model.
   * Its replies come as values: each native stream event as `{type: 'event', event}` (when
   * streaming; `response.created` and `response.in_progress` arrive together with the first event
   * after them), then one `{type: 'final', outcome, response}` (`response`: the response object
   * when not streaming, else null). Failures, cancellation and early return behave exactly as in
   * `chat()`: the iteration throws an `AttemptFailure` (with the attempt's usage outcome when it
   * has one), so the fallback policy applies; `signal` cancels the upstream call.
   */
  responses(
    provider: string,
    request: DispatchResponsesRequest,
    signal?: AbortSignal,
  ): AsyncIterableIterator<DispatchResponsesPart> {
    return this.streamAttempt<DispatchResponsesPart>(
      Subjects.dispatchResponses(provider),
      provider,
      request,
      'dispatch.responses',
      (message) => {
        const parsed = DispatchResponsesReply.safeParse(message);
        if (!parsed.success) return null;
        const reply = parsed.data;
        return reply.type === 'event' || reply.type === 'final' ? { part: reply } : reply;
      },
      signal,
    );
  }

  /**
   * One dispatched attempt answered by a stream of replies: `read` validates a reply and says
   * whether it is a part for the reader (`final` ends the stream), a heartbeat, or an error.
   */
  private streamAttempt<Part extends { type: string }>(
    subject: string,
    provider: string,
    request: { requestId: string },
    metricSubject: string,
    read: (message: unknown) => StreamReply<Part> | null,
    signal?: AbortSignal,
  ): AsyncIterableIterator<Part> {
    let finished = false;
    let cancelled = false;
    let firstReply = true;
    const started = performance.now();
    let stream: BusStream | null = null;
    const finish = () => {
      finished = true;
      stream?.close();
      signal?.removeEventListener('abort', cancel);
    };
    const cancel = () => {
      if (finished || cancelled) return;
      cancelled = true;
      this.sendCancel(provider, request.requestId);
      const giveUp = setTimeout(() => {
        if (finished) return;
        finish();
        replies.fail(
          new AttemptFailure(
            GatewayError.unavailable('the dispatcher did not confirm the cancelled call', {
              code: 'cancel_unconfirmed',
              retryable: false,
            }),
            null,
          ),
        );
      }, CANCELLED_REPLY_WAIT_MS);
      giveUp.unref();
    };
    const replies = new ReplyQueue<Part>(() => {
      cancel();
      finish();
    });
    try {
      stream = this.streams.start(
        subject,
        request,
        {
          requestId: request.requestId,
          firstReplyTimeoutMs: FIRST_REPLY_TIMEOUT_MS,
          idleTimeoutMs: IDLE_TIMEOUT_MS,
        },
        {
          onMessage: (message) => {
            if (finished) return;
            const reply = read(message);
            if (reply === null) {
              finish();
              this.sendCancel(provider, request.requestId);
              replies.fail(
                new AttemptFailure(GatewayError.unavailable('the dispatcher sent an invalid reply'), null),
              );
              return;
            }
            if (firstReply) {
              firstReply = false;
              this.metrics.busRequestDuration.observe(
                { subject: metricSubject },
                (performance.now() - started) / 1000,
              );
            }
            if ('part' in reply) {
              if (reply.part.type === 'final') {
                finish();
                replies.push(reply.part);
                replies.end();
              } else if (!cancelled) replies.push(reply.part);
              return;
            }
            switch (reply.type) {
              case 'heartbeat':
                return;
              case 'error':
                finish();
                replies.fail(new AttemptFailure(GatewayError.fromPayload(reply.error), reply.outcome));
                return;
            }
          },
          onFailure: (error) => {
            if (finished) return;
            finish();
            // whatever ended the stream here (silence, a reply that is not JSON, a handler that threw),
            // the dispatcher may still be calling upstream and billing: stop it before anyone
            // dispatches again. Its usage reaches the ledger on its own; only a request nobody
            // subscribed to has nothing to stop.
            if (error.code !== NO_SUBSCRIBERS) this.sendCancel(provider, request.requestId);
            replies.fail(new AttemptFailure(error, null));
          },
        },
      );
    } catch (error) {
      // refused before it left (a request too large for the bus): no attempt was made
      finished = true;
      replies.fail(AttemptFailure.of(error));
      return replies;
    }
    if (signal?.aborted) cancel();
    else signal?.addEventListener('abort', cancel, { once: true });
    return replies;
  }

  private sendCancel(provider: string, requestId: string): void {
    this.streams.notify(Subjects.dispatchCancel(provider), { requestId }, requestId);
  }

  embed(provider: string, request: DispatchEmbedRequest): Promise<DispatchEmbedReply> {
    return requestProvider(this.connection, this.namespace, provider, 'embed', request, {
      timeoutMs: EMBED_TIMEOUT_MS,
      requestId: request.requestId,
    });
  }
}
