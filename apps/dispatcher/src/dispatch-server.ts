import { Logger } from '@nestjs/common';
import type { Msg, NatsConnection, Subscription } from 'nats';
import {
  type BusNamespace,
  CoalescingPublisher,
  contextFromHeaders,
  decodeJson,
  encodeJson,
  guardCallback,
} from '@switchyard/bus';
import { context, SpanKind, SpanStatusCode, trace, tracer } from '@switchyard/telemetry';
import {
  DispatchCancel,
  DispatchChatRequest,
  DispatchEmbedRequest,
  DispatchProbeRequest,
  GatewayError,
  QueueGroups,
  Subjects,
} from '@switchyard/contracts';
import type { DispatchChat } from './dispatch-chat';
import type { DispatchEmbeddings } from './dispatch-embeddings';
import type { InFlightRequests } from './in-flight-requests';
import type { ProbeDeployment } from './probe-deployment';
import { ReplyChannel } from './reply-channel';

/** After the drain: how long cancelled requests get to record their usage and reply. */
const CANCEL_DRAIN_MS = 3000;

/**
 * The dispatcher's bus edge: for every served provider it answers `dispatch.<p>.chat.v1` and
 * `dispatch.<p>.embed.v1` in queue group `dispatch.<p>` (so replicas share the load) and listens to
 * `dispatch.<p>.cancel.v1`. It validates each message, hands it to one use case, and replies.
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
  ) {
    this.replies = new CoalescingPublisher(connection);
  }

  start(): void {
    for (const provider of this.providers) {
      const queue = this.namespace.subject(QueueGroups.dispatch(provider));
      this.subscriptions.push(
        this.connection.subscribe(this.namespace.subject(Subjects.dispatchChat(provider)), {
          queue,
          callback: guardCallback(
            'dispatch.chat',
            (error, message) => {
              if (!error) this.onChat(provider, message);
            },
            (_failure, message) => this.replyInternalError(message),
          ),
        }),
        this.connection.subscribe(this.namespace.subject(Subjects.dispatchEmbed(provider)), {
          queue,
          callback: guardCallback(
            'dispatch.embed',
            (error, message) => {
              if (!error) this.onEmbed(provider, message);
            },
            (_failure, message) => this.replyInternalError(message),
          ),
        }),
        this.connection.subscribe(this.namespace.subject(Subjects.dispatchCancel(provider)), {
          callback: guardCallback('dispatch.cancel', (error, message) => {
            if (!error) this.onCancel(message);
          }),
        }),
        this.connection.subscribe(this.namespace.subject(Subjects.dispatchProbe(provider)), {
          queue,
          callback: guardCallback('dispatch.probe', (error, message) => {
            if (!error) this.onProbe(message);
          }),
        }),
      );
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

  /**
   * A handler threw before it could answer: the ingress gets a typed error at once instead of
   * waiting for its silence timeout (the chat and embed replies share this shape).
   */
  private replyInternalError(message: Msg): void {
    if (!message.reply || this.connection.isClosed()) return;
    this.connection.publish(
      message.reply,
      encodeJson({
        type: 'error',
        error: GatewayError.internal('the dispatcher failed to handle the request').toPayload(),
        outcome: null,
      }),
    );
  }

  private onChat(provider: string, message: Msg): void {
    if (!message.reply) return;
    const channel = new ReplyChannel(this.replies, message.reply);
    const parsed = DispatchChatRequest.safeParse(safeDecode(message));
    if (!parsed.success) {
      channel.send({ type: 'error', error: invalidMessage(parsed.error.issues), outcome: null });
      return;
    }
    const request = parsed.data;
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

  private onEmbed(provider: string, message: Msg): void {
    if (!message.reply) return;
    const reply = message.reply;
    const parsed = DispatchEmbedRequest.safeParse(safeDecode(message));
    if (!parsed.success) {
      this.connection.publish(
        reply,
        encodeJson({ type: 'error', error: invalidMessage(parsed.error.issues), outcome: null }),
      );
      return;
    }
    const request = parsed.data;
    // in flight like a chat, so a shutdown waits for it (then cancels it) before flushing usage
    const abort = this.inFlight.add(request.requestId, provider, null);
    this.dispatchEmbeddings
      .execute(request, abort.signal)
      .catch((error: unknown) => ({
        type: 'error' as const,
        error: GatewayError.internal(
          `the dispatcher failed unexpectedly: ${(error as Error).message}`,
        ).toPayload(),
        outcome: null,
      }))
      .then((result) => this.connection.publish(reply, encodeJson(result)))
      .catch((error: unknown) =>
        this.logger.error(`could not reply to ${request.requestId}: ${String(error)}`),
      )
      .finally(() => this.inFlight.remove(request.requestId, abort));
  }

  /** `dispatch.<p>.probe.v1`: a health check of one deployment; no usage event (it is nobody's request). */
  private onProbe(message: Msg): void {
    if (!message.reply) return;
    const reply = message.reply;
    const parsed = DispatchProbeRequest.safeParse(safeDecode(message));
    if (!parsed.success) {
      this.connection.publish(
        reply,
        encodeJson({
          status: 'unhealthy',
          deploymentId: '',
          probe: null,
          latencyMs: null,
          dispatcherId: this.dispatcherId,
          error: invalidMessage(parsed.error.issues),
        }),
      );
      return;
    }
    this.probeDeployment
      .execute(parsed.data)
      .catch((error: unknown) => ({
        status: 'unhealthy' as const,
        deploymentId: parsed.data.deploymentId,
        probe: null,
        latencyMs: null,
        dispatcherId: this.dispatcherId,
        error: GatewayError.internal(
          `the probe failed unexpectedly: ${(error as Error).message}`,
        ).toPayload(),
      }))
      .then((result) => this.connection.publish(reply, encodeJson(result)))
      .catch(() => undefined); // the connection closed while probing: nobody is waiting any more
  }

  private onCancel(message: Msg): void {
    const parsed = DispatchCancel.safeParse(safeDecode(message));
    if (parsed.success) this.inFlight.cancel(parsed.data.requestId);
  }
}

function safeDecode(message: Msg): unknown {
  try {
    return decodeJson(message.data);
  } catch {
    return undefined;
  }
}

function invalidMessage(issues: readonly { path: PropertyKey[]; message: string }[]) {
  const first = issues[0];
  return GatewayError.invalidRequest(
    `invalid dispatch message: ${first ? `${first.path.map(String).join('.') || '(body)'}: ${first.message}` : 'unreadable'}`,
    null,
    'invalid_bus_message',
  ).toPayload();
}
