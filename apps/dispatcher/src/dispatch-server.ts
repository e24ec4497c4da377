import { Logger } from '@nestjs/common';
import type { Msg, NatsConnection, Subscription } from 'nats';
import { type BusNamespace, CoalescingPublisher, contextFromHeaders, serveProvider } from '@switchyard/bus';
import { context, SpanKind, SpanStatusCode, trace, tracer } from '@switchyard/telemetry';
import {
  type DispatchChatRequest,
  type DispatchResponsesReply,
  type DispatchResponsesRequest,
  type DispatchEmbedReply,
  type DispatchEmbedRequest,
  GatewayError,
  QueueGroups,
  Subjects,
} from '@switchyard/contracts';
import type { DispatchChat } from './dispatch-chat';
import type { DispatchEmbeddings } from './dispatch-embeddings';
import type { DispatchResponses } from './dispatch-responses';
import type { InFlightRequests } from './in-flight-requests';
import type { ProbeDeployment } from './probe-deployment';
import { ReplyChannel } from './reply-channel';

/** After the drain: how long cancelled requests get to record their usage and reply. */
const CANCEL_DRAIN_MS = 3000;

/** The native Responses use case and the served providers whose wire format has the API. */
export interface ResponsesService {
  dispatch: DispatchResponses;
  providers: readonly string[];
}

/**
 * The dispatcher's bus edge: for every served provider it answers `dispatch.<p>.chat.v1`,
 * `dispatch.<p>.embed.v1` and `dispatch.<p>.probe.v1` in queue group `dispatch.<p>` (so replicas
 * share the load) and listens to `dispatch.<p>.cancel.v1`; for those with a native Responses API
 * (OpenAI's wire format) it also answers `dispatch.<p>.responses.v1`. `serveProvider` validates each message
 * against its contract (and answers an invalid one); this hands it to one use case.
 */
export class DispatchServer {
  private readonly logger = new Logger(DispatchServer.name);
  private readonly subscriptions: Subscription[] = [];
  private readonly replies: CoalescingPublisher;

  constructor(
    private readonly connection: NatsConnection,
    private readonly namespace: BusNamespace,
    private readonly providers: readonly string[],
    private readonly dispatcherId: string,
    private readonly dispatchChat: DispatchChat,
    private readonly dispatchEmbeddings: DispatchEmbeddings,
    private readonly inFlight: InFlightRequests,
    private readonly probeDeployment: ProbeDeployment,
    private readonly responses: ResponsesService | null = null,
  ) {
    this.replies = new CoalescingPublisher(connection);
  }

  start(): void {
    for (const provider of this.providers) {
      const queue = this.namespace.subject(QueueGroups.dispatch(provider));
      const serve = { queue, responder: this.dispatcherId };
      this.subscriptions.push(
        serveProvider(this.connection, this.namespace, provider, 'chat', serve, (request, message) =>
          this.onChat(provider, request, message),
        ),
        serveProvider(this.connection, this.namespace, provider, 'embed', serve, (request) =>
          this.onEmbed(provider, request),
        ),
        serveProvider(
          this.connection,
          this.namespace,
          provider,
          'cancel',
          { responder: this.dispatcherId },
          (request) => {
            // no reply: a handler that returned the boolean would be taken for a pending answer
            this.inFlight.cancel(request.requestId);
          },
        ),
        serveProvider(this.connection, this.namespace, provider, 'probe', serve, (request) =>
          this.probeDeployment.execute(request),
        ),
      );
      if (this.responses?.providers.includes(provider)) {
        this.subscriptions.push(
          serveProvider(this.connection, this.namespace, provider, 'responses', serve, (request, message) =>
            this.onResponses(provider, request, message),
          ),
        );
      }
    }
    this.logger.log(`serving ${this.providers.join(', ')} as ${this.dispatcherId}`);
  }

  /**
   * Stops taking new requests (the server routes them to other replicas) and waits for the ones in
   * flight; those still running after `timeoutMs` are cancelled, so their usage is still recorded
   * (and flushed by the caller) before the process exits.
   */
  async stop(timeoutMs: number): Promise<void> {
    await Promise.all(this.subscriptions.map((subscription) => subscription.drain()));
    if (await this.inFlight.drained(timeoutMs)) return;
    this.logger.warn(`${this.inFlight.size} requests still in flight after ${timeoutMs} ms; cancelling them`);
    this.inFlight.cancelAll();
    if (!(await this.inFlight.drained(CANCEL_DRAIN_MS))) {
      this.logger.warn(`${this.inFlight.size} requests did not end after their cancel; stopping anyway`);
    }
  }

  private onChat(provider: string, request: DispatchChatRequest, message: Msg): void {
    const channel = new ReplyChannel(this.replies, message.reply as string);
    const abort = this.inFlight.add(request.requestId, provider, channel);
    const span = tracer.startSpan(
      Subjects.dispatchChat(provider),
      {
        kind: SpanKind.SERVER,
        attributes: {
          'gen_ai.system': provider,
          'gen_ai.request.model': request.accounting.modelGroup,
          'switchyard.deployment_id': request.deploymentId,
          'switchyard.call_id': request.requestId,
        },
      },
      contextFromHeaders(message.headers),
    );
    context
      .with(trace.setSpan(context.active(), span), () =>
        this.dispatchChat.execute(request, channel, abort.signal),
      )
      .catch((error: unknown) => {
        this.logger.error(`dispatch ${request.requestId} failed unexpectedly: ${(error as Error).stack}`);
        channel.send({
          type: 'error',
          error: GatewayError.internal('the dispatcher failed unexpectedly').toPayload(),
          outcome: null,
        });
      })
      .finally(() => {
        if (!channel.isFinished) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
        this.inFlight.remove(request.requestId, abort);
      });
  }

  private onResponses(provider: string, request: DispatchResponsesRequest, message: Msg): void {
    const responses = this.responses;
    if (!responses) return;
    const channel = new ReplyChannel<DispatchResponsesReply>(this.replies, message.reply as string);
    const abort = this.inFlight.add(request.requestId, provider, channel);
    const span = tracer.startSpan(
      Subjects.dispatchResponses(provider),
      {
        kind: SpanKind.SERVER,
        attributes: {
          'gen_ai.system': provider,
          'gen_ai.request.model': request.accounting.modelGroup,
          'switchyard.deployment_id': request.deploymentId,
          'switchyard.call_id': request.requestId,
        },
      },
      contextFromHeaders(message.headers),
    );
    context
      .with(trace.setSpan(context.active(), span), () =>
        responses.dispatch.execute(request, channel, abort.signal),
      )
      .catch((error: unknown) => {
        this.logger.error(`dispatch ${request.requestId} failed unexpectedly: ${(error as Error).stack}`);
        channel.send({
          type: 'error',
          error: GatewayError.internal('the dispatcher failed unexpectedly').toPayload(),
          outcome: null,
        });
      })
      .finally(() => {
        if (!channel.isFinished) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
        this.inFlight.remove(request.requestId, abort);
      });
  }

  private onEmbed(provider: string, request: DispatchEmbedRequest): Promise<DispatchEmbedReply> {
    // in flight like a chat, so a shutdown waits for it (then cancels it) before flushing usage
    const abort = this.inFlight.add(request.requestId, provider, null);
    // a rejection is answered by serveProvider with a typed 500
    return this.dispatchEmbeddings
      .execute(request, abort.signal)
      .finally(() => this.inFlight.remove(request.requestId, abort));
  }
}
