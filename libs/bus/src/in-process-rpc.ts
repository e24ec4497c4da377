import { type Context, context } from '@opentelemetry/api';
import { Logger } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import {
  GatewayError,
  RpcContracts,
  type RpcRequestOf,
  type RpcResponseOf,
  type RpcSubject,
} from '@switchyard/contracts';
import { BusClient, type RequestOptions } from './bus-client';
import type { BusNamespace } from './bus-namespace';

/** A request/reply handler served in process: the payload as it would arrive on the bus (unchecked). */
export type InProcessRpcHandler<S extends RpcSubject> = (
  payload: unknown,
  traceContext: Context,
) => Promise<RpcResponseOf<S>>;

/** The subjects answered in process, each by its handler. */
export type InProcessRpc = { [S in RpcSubject]?: InProcessRpcHandler<S> };

const logger = new Logger('Rpc');

/**
 * A `BusClient` whose subjects in `handlers` are served by a handler in this process
 * (the one-process mode's `classify.v1`); every other subject goes over NATS as before. The
 * handler validates the request as it does on the bus; the response is checked by its schema (and
 * so copied) exactly as `BusClient.request` checks a reply, and a failure other than a
 * `GatewayError` becomes the same typed 500 the RPC filter sends.
 */
export class InProcessBusClient extends BusClient {
  constructor(
    connection: NatsConnection,
    namespace: BusNamespace,
    private readonly handlers: InProcessRpc,
  ) {
    super(connection, namespace);
  }

  override async request<S extends RpcSubject>(
    subject: S,
    payload: RpcRequestOf<S>,
    options: RequestOptions = {},
  ): Promise<RpcResponseOf<S>> {
    const handler = this.handlers[subject];
    if (!handler) return super.request(subject, payload, options);
    let response: unknown;
    try {
      response = await handler(payload, context.active());
    } catch (error) {
      if (error instanceof GatewayError) throw error;
      logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      throw GatewayError.internal('the service failed to handle the message');
    }
    const parsed = RpcContracts[subject].response.safeParse(response);
    if (!parsed.success) {
      throw GatewayError.unavailable(
        `${subject} answered with an invalid reply: ${parsed.error.issues[0]?.message}`,
      );
    }
    return parsed.data as RpcResponseOf<S>;
  }
}
