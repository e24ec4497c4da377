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
  GatewayError,
  Subjects,
} from '@switchyard/contracts';
import { IngressMetrics } from '@switchyard/telemetry';
import { BUS_CONNECTION } from '../infrastructure/tokens';

/** How long to wait for a dispatcher's first reply, and for a silent one (it heartbeats every second). */
const FIRST_REPLY_TIMEOUT_MS = 5000;
const IDLE_TIMEOUT_MS = 5000;
const EMBED_TIMEOUT_MS = 120_000;
/**
 * After a cancel, how long to wait for the dispatcher's last reply (it carries the cancelled
 * attempt's usage) before giving up on it; the stream's own silence timeout usually ends it first.
 */
export const CANCELLED_REPLY_WAIT_MS = 10_000;

export interface DispatchHandlers {
  onChunk(chunk: ChatCompletionChunk): void;
  onFinal(outcome: AttemptOutcome, response: ChatCompletion | null): void;
  /** `outcome` is set when the attempt reached the upstream and its usage was recorded. */
  onError(error: GatewayError, outcome: AttemptOutcome | null): void;
}

export interface DispatchHandle {
  /**
   * Tells the dispatcher to abort the upstream call. Chunks stop at once; the attempt's last reply
   * (its usage outcome) still reaches `onFinal`/`onError`, or `onError` with no outcome when none
   * comes within `CANCELLED_REPLY_WAIT_MS`, so the caller can always settle.
   */
  cancel(): void;
}

/** The ingress side of `dispatch.<provider>.*`: requests, their reply streams, and cancellation. */
@Injectable()
export class DispatchClient {
  constructor(
    @Inject(StreamRequester) private readonly streams: StreamRequester,
    @Inject(BUS_CONNECTION) private readonly connection: NatsConnection,
    @Inject(BusNamespace) private readonly namespace: BusNamespace,
    @Inject(IngressMetrics) private readonly metrics: IngressMetrics,
  ) {}

  chat(provider: string, request: DispatchChatRequest, handlers: DispatchHandlers): DispatchHandle {
    let finished = false;
    let cancelled = false;
    let firstReply = true;
    const started = performance.now();
    let stream: BusStream | null = null;
    const finish = () => {
      finished = true;
      stream?.close();
    };
    stream = this.streams.start(
      Subjects.dispatchChat(provider),
      request,
      {
        requestId: request.requestId,
        firstReplyTimeoutMs: FIRST_REPLY_TIMEOUT_MS,
        idleTimeoutMs: IDLE_TIMEOUT_MS,
      },
      {
        onMessage: (message) => {
          if (finished) return;
          const parsed = DispatchReply.safeParse(message);
          if (!parsed.success) {
            finish();
            this.sendCancel(provider, request.requestId);
            handlers.onError(GatewayError.unavailable('the dispatcher sent an invalid reply'), null);
            return;
          }
          const reply = parsed.data;
          if (firstReply) {
            firstReply = false;
            this.metrics.busRequestDuration.observe(
              { subject: 'dispatch.chat' },
              (performance.now() - started) / 1000,
            );
          }
          switch (reply.type) {
            case 'heartbeat':
              return;
            case 'chunk':
              if (!cancelled) handlers.onChunk(reply.chunk);
              return;
            case 'final':
              finish();
              handlers.onFinal(reply.outcome, reply.response);
              return;
            case 'error':
              finish();
              handlers.onError(GatewayError.fromPayload(reply.error), reply.outcome);
              return;
          }
        },
        onFailure: (error) => {
          if (finished) return;
          finished = true;
          // whatever ended the stream here (silence, a reply that is not JSON, a handler that threw),
          // the dispatcher may still be calling upstream and billing: stop it before anyone
          // dispatches again. Its usage reaches the ledger on its own; only a request nobody
          // subscribed to has nothing to stop.
          if (error.code !== NO_SUBSCRIBERS) this.sendCancel(provider, request.requestId);
          handlers.onError(error, null);
        },
      },
    );
    return {
      cancel: () => {
        if (finished || cancelled) return;
        cancelled = true;
        this.sendCancel(provider, request.requestId);
        const giveUp = setTimeout(() => {
          if (finished) return;
          finish();
          handlers.onError(
            GatewayError.unavailable('the dispatcher did not confirm the cancelled call', {
              code: 'cancel_unconfirmed',
              retryable: false,
            }),
            null,
          );
        }, CANCELLED_REPLY_WAIT_MS);
        giveUp.unref();
      },
    };
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
