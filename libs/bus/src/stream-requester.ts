import { createInbox, type Msg, type NatsConnection, type Subscription } from 'nats';
import { GatewayError } from '@switchyard/contracts';
import { outgoingHeaders } from './bus-headers';
import { BusNamespace } from './bus-namespace';
import { CoalescingPublisher } from './coalescing-publisher';
import { guardCallback, reportCallbackFailure } from './guard-callback';
import { decodeJson, encodeJson } from './json-codec';
import { NO_SUBSCRIBERS } from './no-subscribers';

export interface StreamHandlers {
  /** a decoded reply message; the caller validates it. */
  onMessage(message: unknown): void;
  /** no responder, a silent responder, or an undecodable reply. */
  onFailure(error: GatewayError): void;
}

export interface StreamRequestOptions {
  requestId?: string;
  /** give up when no reply at all arrived within this time. */
  firstReplyTimeoutMs: number;
  /** give up when the responder is silent this long after its last message (it sends heartbeats). */
  idleTimeoutMs: number;
}

export interface BusStream {
  /** stop listening (after the final message, or when the caller gives up). */
  close(): void;
}

interface ActiveStream {
  subject: string;
  handlers: StreamHandlers;
  startedAt: number;
  lastMessageAt: number | null;
  options: StreamRequestOptions;
}

/**
 * Requests answered by a sequence of replies (dispatch streams). One wildcard inbox subscription
 * serves every stream of the process; a 250 ms sweep detects responders that went silent, so no
 * timer is armed or reset per message.
 */
export class StreamRequester {
  private readonly prefix = createInbox();
  private readonly streams = new Map<string, ActiveStream>();
  private readonly subscription: Subscription;
  private readonly sweeper: NodeJS.Timeout;
  private counter = 0;
  private readonly publisher: CoalescingPublisher;

  constructor(
    private readonly connection: NatsConnection,
    private readonly namespace: BusNamespace = new BusNamespace(),
  ) {
    this.subscription = connection.subscribe(`${this.prefix}.*`, {
      callback: guardCallback(
        'stream-replies',
        (error, message) => {
          if (!error) this.onReply(message);
        },
        (_failure, message) => this.failStream(message),
      ),
    });
    this.publisher = new CoalescingPublisher(connection);
    this.sweeper = setInterval(() => this.sweep(), 250);
    this.sweeper.unref();
  }

  start(
    subject: string,
    payload: unknown,
    options: StreamRequestOptions,
    handlers: StreamHandlers,
  ): BusStream {
    this.counter = (this.counter + 1) % Number.MAX_SAFE_INTEGER;
    const token = this.counter.toString(36);
    // queued first (it throws for a message too large for the bus), registered before it leaves
    this.publisher.publish(this.namespace.subject(subject), encodeJson(payload), {
      reply: `${this.prefix}.${token}`,
      headers: outgoingHeaders(options.requestId),
    });
    this.streams.set(token, { subject, handlers, startedAt: Date.now(), lastMessageAt: null, options });
    return { close: () => this.streams.delete(token) };
  }

  /**
   * A one-way message on the same path as the requests (a cancel must never overtake the request
   * it cancels).
   */
  notify(subject: string, payload: unknown, requestId?: string): void {
    this.publisher.publish(this.namespace.subject(subject), encodeJson(payload), {
      headers: outgoingHeaders(requestId),
    });
  }

  get active(): number {
    return this.streams.size;
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    await this.subscription.drain();
  }

  private onReply(message: Msg): void {
    const token = this.tokenOf(message);
    const stream = this.streams.get(token);
    if (!stream) return;
    if (message.data.length === 0 && message.headers?.code === 503) {
      this.streams.delete(token);
      stream.handlers.onFailure(
        GatewayError.unavailable(`no service answers ${stream.subject}; is it running?`, {
          code: NO_SUBSCRIBERS,
        }),
      );
      return;
    }
    stream.lastMessageAt = Date.now();
    let decoded: unknown;
    try {
      decoded = decodeJson(message.data);
    } catch {
      this.streams.delete(token);
      stream.handlers.onFailure(GatewayError.unavailable(`${stream.subject} sent a reply that is not JSON`));
      return;
    }
    stream.handlers.onMessage(decoded);
  }

  /** A reply's handler threw: that stream ends with an error, the others go on. */
  private failStream(message: Msg): void {
    const token = this.tokenOf(message);
    const stream = this.streams.get(token);
    if (!stream) return;
    this.streams.delete(token);
    stream.handlers.onFailure(
      GatewayError.internal(`the gateway failed to handle a reply of ${stream.subject}`),
    );
  }

  private tokenOf(message: Msg): string {
    return message.subject.slice(this.prefix.length + 1);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [token, stream] of this.streams) {
      const silentFor = now - (stream.lastMessageAt ?? stream.startedAt);
      const limit =
        stream.lastMessageAt === null ? stream.options.firstReplyTimeoutMs : stream.options.idleTimeoutMs;
      if (silentFor > limit) {
        this.streams.delete(token);
        this.notifyFailure(
          stream,
          stream.lastMessageAt === null
            ? GatewayError.unavailable(`no ${stream.subject} responder took the request within ${limit} ms`, {
                code: 'no_responder',
              })
            : GatewayError.unavailable(`the ${stream.subject} responder went silent for ${silentFor} ms`, {
                code: 'responder_lost',
              }),
        );
      }
    }
  }

  /** The sweep runs on a timer: a handler that throws there would end the process. */
  private notifyFailure(stream: ActiveStream, error: GatewayError): void {
    try {
      stream.handlers.onFailure(error);
    } catch (failure) {
      reportCallbackFailure('stream-sweep', failure);
    }
  }
}
