import { Counter } from 'prom-client';

/**
 * Exceptions thrown inside a NATS subscription callback, by subscription (a bounded set of names:
 * `dispatch.chat`, `stream-replies`, `classify.v1`, …). Each one was caught, logged and answered
 * with an error; a non-zero rate is a bug to look at, not an outage. Declared once per process
 * and registered in every service registry (`createMetricsRegistry`), because the bus library
 * counts into it without knowing which service it runs in.
 */
export const busCallbackFailures = new Counter<'subscription'>({
  name: 'switchyard_bus_callback_failures_total',
  help: 'Exceptions caught in NATS subscription callbacks, by subscription; each was logged and answered with an error.',
  labelNames: ['subscription'],
  registers: [],
});
