import { Logger } from '@nestjs/common';
import type { Msg, NatsError } from 'nats';
import { busCallbackFailures } from '@switchyard/telemetry/bus-metrics';

export type SubscriptionCallback = (error: NatsError | null, message: Msg) => void;

const logger = new Logger('Bus');

/**
 * A NATS subscription callback that cannot take the connection down. nats.js calls callbacks
 * from its socket reader: an exception thrown there ends the reader, and the process stays cut
 * off the bus until the server's pings time out (minutes). The guard catches it, logs it (the
 * error only, never the message: payloads carry prompts and metadata), counts it in
 * `switchyard_bus_callback_failures_total{subscription}`, and hands it to `onFailure` so the
 * affected request gets an error; every other message goes on as before.
 */
export function guardCallback(
  subscription: string,
  callback: SubscriptionCallback,
  onFailure?: (failure: unknown, message: Msg) => void,
): SubscriptionCallback {
  return (error, message) => {
    try {
      callback(error, message);
    } catch (failure) {
      reportCallbackFailure(subscription, failure);
      if (!onFailure) return;
      try {
        onFailure(failure, message);
      } catch (secondFailure) {
        reportCallbackFailure(subscription, secondFailure);
      }
    }
  };
}

/** Logs and counts one failure of a bus message handler (synchronous or asynchronous). */
export function reportCallbackFailure(subscription: string, failure: unknown): void {
  busCallbackFailures.inc({ subscription });
  logger.error(
    `a ${subscription} message handler failed: ${failure instanceof Error ? (failure.stack ?? failure.message) : typeof failure}`,
  );
}
