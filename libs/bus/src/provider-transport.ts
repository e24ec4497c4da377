import type { Context } from '@opentelemetry/api';
import type { Msg, NatsConnection } from 'nats';
import {
  type ProviderAnsweredOperation,
  ProviderContracts,
  type ProviderOperation,
  type ProviderReplyOf,
  type ProviderRequestOf,
  QueueGroups,
} from '@switchyard/contracts';
import { contextFromHeaders } from './bus-headers';
import type { BusNamespace } from './bus-namespace';
import { CoalescingPublisher } from './coalescing-publisher';
import { encodeJson } from './json-codec';
import {
  type ProviderHandler,
  type ProviderRequestOptions,
  requestProvider,
  serveProvider,
} from './provider-bus';
import type { BusStream, StreamHandlers, StreamRequester, StreamRequestOptions } from './stream-requester';

/**
 * The `dispatch.<provider>.*` hops behind one seam, so the transport is chosen at start: NATS in
 * the fleet (`NatsProviderRequester`, `NatsProviderServer`), a call in the same process in the
 * one-process mode (`InProcessProviders`). The contracts (`ProviderContracts`), the validation of
 * every request and reply, and the failure replies are the same on both.
 */

/** The operations whose replies stream (a sequence ending in `final` or `error`). */
export type ProviderStreamedOperation = 'chat' | 'responses';
/** The operations answered by one reply. */
export type ProviderSingleReplyOperation = Exclude<ProviderAnsweredOperation, ProviderStreamedOperation>;

/** Where the replies of one streamed request go; `send` may throw a 413 `GatewayError` (too large). */
export interface ReplyTarget {
  send(reply: unknown): void;
}

/** What a handler learns about where a request came from, whatever carried it. */
export interface ProviderRequestOrigin {
  /** the requester's reply stream (streamed operations). */
  replies: ReplyTarget;
  /** the requester's trace context (NATS headers, or the caller's active context in process). */
  traceContext: Context;
}

/** A handler of one operation: answers it (`embed`, `probe`), or streams through `origin.replies` (`chat`). */
export type ProviderServeHandler<O extends ProviderOperation> = (
  request: ProviderRequestOf<O>,
  origin: ProviderRequestOrigin,
) => O extends ProviderSingleReplyOperation ? Promise<ProviderReplyOf<O>> : void;

export interface ServedOperation {
  /** stop taking requests (those already taken go on). */
  drain(): Promise<void>;
}

/** The serving side: what a dispatcher subscribes its use cases with. */
export interface ProviderServer {
  /**
   * Serves one operation of one provider; replicas share `chat`, `embed` and `probe`, every
   * replica hears `cancel`. `responder` (the dispatcher's id) goes on failure replies.
   */
  serve<O extends ProviderOperation>(
    provider: string,
    operation: O,
    responder: string,
    handler: ProviderServeHandler<O>,
  ): ServedOperation;
}

/** The asking side: what the ingress dispatches, probes and cancels with. */
export interface ProviderRequester {
  /** a request whose replies stream to `handlers`; throws at once when it cannot leave (413). */
  stream<O extends ProviderStreamedOperation>(
    provider: string,
    operation: O,
    payload: ProviderRequestOf<O>,
    options: StreamRequestOptions,
    handlers: StreamHandlers,
  ): BusStream;
  /** a one-way message on the same path as the requests (a cancel never overtakes its request). */
  notify(
    provider: string,
    operation: 'cancel',
    payload: ProviderRequestOf<'cancel'>,
    requestId: string,
  ): void;
  /** one answer; throws a `GatewayError` (503 `no_subscribers`, 504 `timeout`, 503 `invalid_bus_reply`). */
  request<O extends ProviderSingleReplyOperation>(
    provider: string,
    operation: O,
    payload: ProviderRequestOf<O>,
    options: ProviderRequestOptions,
  ): Promise<ProviderReplyOf<O>>;
}

/** The fleet's requester: chat streams through the process' `StreamRequester`, answers by `requestProvider`. */
export class NatsProviderRequester implements ProviderRequester {
  constructor(
    private readonly connection: NatsConnection,
    private readonly namespace: BusNamespace,
    private readonly streams: StreamRequester,
  ) {}

  stream<O extends ProviderStreamedOperation>(
    provider: string,
    operation: O,
    payload: ProviderRequestOf<O>,
    options: StreamRequestOptions,
    handlers: StreamHandlers,
  ): BusStream {
    return this.streams.start(ProviderContracts[operation].subject(provider), payload, options, handlers);
  }

  notify(
    provider: string,
    operation: 'cancel',
    payload: ProviderRequestOf<'cancel'>,
    requestId: string,
  ): void {
    this.streams.notify(ProviderContracts[operation].subject(provider), payload, requestId);
  }

  request<O extends ProviderSingleReplyOperation>(
    provider: string,
    operation: O,
    payload: ProviderRequestOf<O>,
    options: ProviderRequestOptions,
  ): Promise<ProviderReplyOf<O>> {
    return requestProvider(this.connection, this.namespace, provider, operation, payload, options);
  }
}

/**
 * The fleet's server: `serveProvider` subscriptions, in queue group `dispatch.<provider>` (none
 * for `cancel`), replies of streamed requests published to the requester's inbox together per
 * event-loop turn (`CoalescingPublisher`).
 */
export class NatsProviderServer implements ProviderServer {
  private readonly replies: CoalescingPublisher;

  constructor(
    private readonly connection: NatsConnection,
    private readonly namespace: BusNamespace,
  ) {
    this.replies = new CoalescingPublisher(connection);
  }

  serve<O extends ProviderOperation>(
    provider: string,
    operation: O,
    responder: string,
    handler: ProviderServeHandler<O>,
  ): ServedOperation {
    const queue = operation === 'cancel' ? undefined : this.namespace.subject(QueueGroups.dispatch(provider));
    const subscription = serveProvider(
      this.connection,
      this.namespace,
      provider,
      operation,
      { queue, responder },
      ((request: ProviderRequestOf<O>, message: Msg) => {
        const inbox = message.reply;
        return handler(request, {
          replies: {
            send: (reply) => {
              if (inbox) this.replies.publish(inbox, encodeJson(reply));
            },
          },
          traceContext: contextFromHeaders(message.headers),
        });
      }) as unknown as ProviderHandler<O>,
    );
    return { drain: () => subscription.drain() };
  }
}
