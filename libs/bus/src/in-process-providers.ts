import { context } from '@opentelemetry/api';
import {
  GatewayError,
  parseBusMessage,
  ProviderContracts,
  providerFailureReply,
  type ProviderOperation,
  type ProviderReplyOf,
  type ProviderRequestOf,
} from '@switchyard/contracts';
import { reportCallbackFailure } from './guard-callback';
import { NO_SUBSCRIBERS } from './no-subscribers';
import type { ProviderRequestOptions } from './provider-bus';
import type {
  ProviderRequester,
  ProviderRequestOrigin,
  ProviderServeHandler,
  ProviderServer,
  ProviderSingleReplyOperation,
  ProviderStreamedOperation,
  ServedOperation,
} from './provider-transport';
import type { BusStream, StreamHandlers, StreamRequestOptions } from './stream-requester';

interface Served {
  responder: string;
  handler: (request: unknown, origin: ProviderRequestOrigin) => Promise<unknown> | void;
}

interface LocalStream {
  subject: string;
  handlers: StreamHandlers;
  options: StreamRequestOptions;
  startedAt: number;
  lastMessageAt: number | null;
  open: boolean;
}

/** The replies of a request that has no reply stream (`cancel`, and answers returned by a promise). */
const NO_REPLIES = { send: () => undefined };

/**
 * `dispatch.<provider>.*` inside one process (the one-process mode): the dispatcher's handlers
 * are registered here by `serve`, and the ingress's requests call them, with the same contract
 * checks as the bus (the request and each single reply are parsed by their schema, which also
 * copies them, so neither side holds the other's objects), the same failure replies
 * (`invalid_bus_message` 400, a failed handler 500) and the same silence detection (a 250 ms
 * sweep; the dispatcher still heartbeats). Requests and cancels are delivered on a microtask, in
 * order, never inside the caller's stack; replies are handed over as they are sent.
 *
 * A provider not served here goes to `remote` (the NATS requester): the mixed mode, where some
 * providers' dispatchers run as their own processes.
 */
export class InProcessProviders implements ProviderServer {
  private readonly served = new Map<string, Served>();
  private readonly streams = new Set<LocalStream>();
  private readonly sweeper: NodeJS.Timeout;

  constructor() {
    this.sweeper = setInterval(() => this.sweep(), 250);
    this.sweeper.unref();
  }

  serve<O extends ProviderOperation>(
    provider: string,
    operation: O,
    responder: string,
    handler: ProviderServeHandler<O>,
  ): ServedOperation {
    const key = keyOf(provider, operation);
    if (this.served.has(key)) throw new Error(`${key} is already served in this process`);
    const entry: Served = { responder, handler: handler as Served['handler'] };
    this.served.set(key, entry);
    return {
      drain: async () => {
        if (this.served.get(key) === entry) this.served.delete(key);
      },
    };
  }

  /** the ingress's side: local providers here, the others through `remote` (or "no dispatcher"). */
  requester(remote: ProviderRequester | null): ProviderRequester {
    return {
      stream: (provider, operation, payload, options, handlers) =>
        this.served.has(keyOf(provider, operation)) || !remote
          ? this.stream(provider, operation, payload, options, handlers)
          : remote.stream(provider, operation, payload, options, handlers),
      notify: (provider, operation, payload, requestId) => {
        if (this.served.has(keyOf(provider, operation)) || !remote) this.notify(provider, operation, payload);
        else remote.notify(provider, operation, payload, requestId);
      },
      request: (provider, operation, payload, options) =>
        this.served.has(keyOf(provider, operation)) || !remote
          ? this.request(provider, operation, payload, options)
          : remote.request(provider, operation, payload, options),
    };
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  private stream<O extends ProviderStreamedOperation>(
    provider: string,
    operation: O,
    payload: ProviderRequestOf<O>,
    options: StreamRequestOptions,
    handlers: StreamHandlers,
  ): BusStream {
    const contract = ProviderContracts[operation];
    const subject = contract.subject(provider);
    const stream: LocalStream = {
      subject,
      handlers,
      options,
      startedAt: Date.now(),
      lastMessageAt: null,
      open: true,
    };
    const replies = {
      send: (reply: unknown) => {
        if (!stream.open) return;
        stream.lastMessageAt = Date.now();
        try {
          handlers.onMessage(reply);
        } catch (failure) {
          // as on the bus: the reader's failure ends its stream, never the dispatcher's work
          reportCallbackFailure('stream-replies', failure);
          this.end(stream, GatewayError.internal(`the gateway failed to handle a reply of ${subject}`));
        }
      },
    };
    this.streams.add(stream);
    const traceContext = context.active();
    queueMicrotask(() => {
      const served = this.served.get(keyOf(provider, operation));
      if (!served) {
        this.end(
          stream,
          GatewayError.unavailable(`no service answers ${subject}; is it running?`, { code: NO_SUBSCRIBERS }),
        );
        return;
      }
      const parsed = parseBusMessage(contract.request, subject, payload);
      if (!parsed.success) {
        replies.send(providerFailureReply(operation, parsed.error.toPayload(), served.responder));
        return;
      }
      try {
        void served.handler(parsed.data, { replies, traceContext });
      } catch (failure) {
        reportCallbackFailure(`dispatch.${operation}`, failure);
        replies.send(
          providerFailureReply(
            operation,
            GatewayError.internal(`the dispatcher failed to handle the ${operation} request`).toPayload(),
            served.responder,
          ),
        );
      }
    });
    return { close: () => this.forget(stream) };
  }

  private notify(provider: string, operation: 'cancel', payload: ProviderRequestOf<'cancel'>): void {
    const subject = ProviderContracts[operation].subject(provider);
    queueMicrotask(() => {
      const served = this.served.get(keyOf(provider, operation));
      if (!served) return;
      const parsed = parseBusMessage(ProviderContracts[operation].request, subject, payload);
      if (!parsed.success) return;
      try {
        void served.handler(parsed.data, { replies: NO_REPLIES, traceContext: context.active() });
      } catch (failure) {
        reportCallbackFailure(`dispatch.${operation}`, failure);
      }
    });
  }

  private async request<O extends ProviderSingleReplyOperation>(
    provider: string,
    operation: O,
    payload: ProviderRequestOf<O>,
    options: ProviderRequestOptions,
  ): Promise<ProviderReplyOf<O>> {
    const contract = ProviderContracts[operation];
    const subject = contract.subject(provider);
    const traceContext = context.active();
    await Promise.resolve();
    const served = this.served.get(keyOf(provider, operation));
    if (!served) {
      throw GatewayError.unavailable(`no dispatcher-${provider} answers ${subject}; is it running?`, {
        code: NO_SUBSCRIBERS,
      });
    }
    const parsed = parseBusMessage(contract.request, subject, payload);
    let answer: unknown;
    if (!parsed.success) {
      answer = providerFailureReply(operation, parsed.error.toPayload(), served.responder);
    } else {
      answer = await this.withinTimeout(
        subject,
        options.timeoutMs,
        Promise.resolve()
          .then(() => served.handler(parsed.data, { replies: NO_REPLIES, traceContext }))
          .catch((failure: unknown) => {
            reportCallbackFailure(`dispatch.${operation}`, failure);
            return providerFailureReply(
              operation,
              GatewayError.internal(`the dispatcher failed to handle the ${operation} request`).toPayload(),
              served.responder,
            );
          }),
      );
    }
    const reply = contract.reply.safeParse(answer);
    if (!reply.success) {
      throw GatewayError.unavailable(`the ${provider} dispatcher sent an invalid ${operation} reply`, {
        code: 'invalid_bus_reply',
      });
    }
    return reply.data as ProviderReplyOf<O>;
  }

  private async withinTimeout<T>(subject: string, timeoutMs: number, answer: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(GatewayError.timeout(`${subject} did not answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
      timer.unref();
    });
    try {
      return await Promise.race([answer, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private forget(stream: LocalStream): void {
    stream.open = false;
    this.streams.delete(stream);
  }

  private end(stream: LocalStream, error: GatewayError): void {
    if (!stream.open) return;
    this.forget(stream);
    try {
      stream.handlers.onFailure(error);
    } catch (failure) {
      reportCallbackFailure('stream-replies', failure);
    }
  }

  /** the same silence rule as `StreamRequester`: no first reply, or no reply nor heartbeat, for too long. */
  private sweep(): void {
    const now = Date.now();
    for (const stream of this.streams) {
      const silentFor = now - (stream.lastMessageAt ?? stream.startedAt);
      const limit =
        stream.lastMessageAt === null ? stream.options.firstReplyTimeoutMs : stream.options.idleTimeoutMs;
      if (silentFor <= limit) continue;
      this.end(
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

function keyOf(provider: string, operation: ProviderOperation): string {
  return `${provider}/${operation}`;
}
