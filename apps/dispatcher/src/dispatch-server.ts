import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ProviderRequestOrigin, ProviderServer, ServedOperation } from '@switchyard/bus';
import { context, SpanKind, SpanStatusCode, trace, tracer } from '@switchyard/telemetry';
import {
  type DispatchChatRequest,
  type DispatchReply,
  type DispatchResponsesReply,
  type DispatchResponsesRequest,
  type DispatchEmbedReply,
  type DispatchEmbedRequest,
  GatewayError,
  Subjects,
} from '@switchyard/contracts';
import { DispatchChat } from './dispatch-chat';
import { DispatchEmbeddings } from './dispatch-embeddings';
import type { DispatchResponses } from './dispatch-responses';
import { InFlightRequests } from './in-flight-requests';
import { ProbeDeployment } from './probe-deployment';
import { ReplyChannel } from './reply-channel';
import { DISPATCHER_ID, PROVIDER_SERVER, RESPONSES_SERVICE, SERVED_PROVIDERS } from './tokens';

/** After the drain: how long cancelled requests get to record their usage and reply. */
const CANCEL_DRAIN_MS = 3000;

/** The native Responses use case and the served providers whose wire format has the API. */
export interface ResponsesService {
  dispatch: DispatchResponses;
  providers: readonly string[];
}

/**
 * The dispatcher's edge: for every served provider it answers `dispatch.<p>.chat.v1`,
 * `dispatch.<p>.embed.v1` and `dispatch.<p>.probe.v1` (on NATS in queue group `dispatch.<p>`, so
 * replicas share the load) and listens to `dispatch.<p>.cancel.v1`; for those with a native
 * Responses API (OpenAI's wire format) it also answers `dispatch.<p>.responses.v1`. The
 * `ProviderServer` is the transport chosen at start (`NatsProviderServer` in the fleet,
 * `InProcessProviders` in the one-process mode); it validates each message against its contract
 * (and answers an invalid one); this hands it to one use case.
 */
@Injectable()
export class DispatchServer {
  private readonly logger = new Logger(DispatchServer.name);
  private readonly subscriptions: ServedOperation[] = [];

  constructor(
    @Inject(PROVIDER_SERVER) private readonly server: ProviderServer,
    @Inject(SERVED_PROVIDERS) private readonly providers: readonly string[],
    @Inject(DISPATCHER_ID) private readonly dispatcherId: string,
    @Inject(DispatchChat) private readonly dispatchChat: DispatchChat,
    @Inject(DispatchEmbeddings) private readonly dispatchEmbeddings: DispatchEmbeddings,
    @Inject(InFlightRequests) private readonly inFlight: InFlightRequests,
    @Inject(ProbeDeployment) private readonly probeDeployment: ProbeDeployment,
    @Inject(RESPONSES_SERVICE) private readonly responses: ResponsesService | null = null,
  ) {}

  start(): void {
    const responder = this.dispatcherId;
    for (const provider of this.providers) {
      this.subscriptions.push(
        this.server.serve(provider, 'chat', responder, (request, origin) =>
          this.onChat(provider, request, origin),
        ),
        this.server.serve(provider, 'embed', responder, (request) => this.onEmbed(provider, request)),
        this.server.serve(provider, 'cancel', responder, (request) => {
          this.inFlight.cancel(request.requestId);
        }),
        this.server.serve(provider, 'probe', responder, (request) => this.probeDeployment.execute(request)),
      );
      if (this.responses?.providers.includes(provider)) {
        this.subscriptions.push(
          this.server.serve(provider, 'responses', responder, (request, origin) =>
            this.onResponses(provider, request, origin),
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

  private onChat(provider: string, request: DispatchChatRequest, origin: ProviderRequestOrigin): void {
    this.runStreamed(
      Subjects.dispatchChat(provider),
      provider,
      request,
      new ReplyChannel(origin.replies),
      origin,
      (channel, signal) => this.dispatchChat.execute(request, channel, signal),
    );
  }

  private onResponses(
    provider: string,
    request: DispatchResponsesRequest,
    origin: ProviderRequestOrigin,
  ): void {
    const responses = this.responses;
    if (!responses) return;
    this.runStreamed(
      Subjects.dispatchResponses(provider),
      provider,
      request,
      new ReplyChannel<DispatchResponsesReply>(origin.replies),
      origin,
      (channel, signal) => responses.dispatch.execute(request, channel, signal),
    );
  }

  /**
   * One streamed request (chat or native Responses): in flight (so a shutdown waits for it, then
   * cancels it), in a server span under the requester's trace, and always ended with a final or
   * error reply, even when the use case throws.
   */
  private runStreamed<Channel extends ReplyChannel<DispatchReply> | ReplyChannel<DispatchResponsesReply>>(
    spanName: string,
    provider: string,
    request: DispatchChatRequest | DispatchResponsesRequest,
    channel: Channel,
    origin: ProviderRequestOrigin,
    execute: (channel: Channel, signal: AbortSignal) => Promise<void>,
  ): void {
    const abort = this.inFlight.add(request.requestId, provider, channel);
    const span = tracer.startSpan(
      spanName,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'gen_ai.system': provider,
          'gen_ai.request.model': request.accounting.modelGroup,
          'switchyard.deployment_id': request.deploymentId,
          'switchyard.call_id': request.requestId,
        },
      },
      origin.traceContext,
    );
    context
      .with(trace.setSpan(context.active(), span), () => execute(channel, abort.signal))
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
