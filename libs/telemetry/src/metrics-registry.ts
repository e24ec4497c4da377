import { AggregatorRegistry, collectDefaultMetrics, Registry } from 'prom-client';
import { busCallbackFailures } from './bus-metrics';

/**
 * How often prom-client's event-loop delay histogram samples (`nodejs_eventloop_lag_*`). Its
 * default, 10 ms, is a timer that wakes every service 100 times a second even when idle (about
 * 0.7 % of a core each, seven processes in the fleet); at 100 ms the histogram still sees every
 * stall longer than that, and the lag gauge sampled at scrape time is unchanged.
 */
export const EVENT_LOOP_MONITORING_PRECISION_MS = 100;

export interface MetricsRegistryOptions {
  /**
   * Node process metrics and the process-wide bus counter (default true). The one-process mode
   * gives them to one registry only, so the modules beside it do not repeat them.
   */
  processWide?: boolean;
}

/** A service's Prometheus registry: Node process metrics plus the service's own, labelled with its name. */
export function createMetricsRegistry(service: string, options: MetricsRegistryOptions = {}): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (options.processWide !== false) {
    collectDefaultMetrics({
      register: registry,
      eventLoopMonitoringPrecision: EVENT_LOOP_MONITORING_PRECISION_MS,
    });
    registry.registerMetric(busCallbackFailures);
  }
  return registry;
}

/**
 * The Prometheus text of several registries as one exposition (the one-process mode: the
 * ingress's `/metrics` shows every module's): a metric two registries both have (the usage
 * publisher's, in the ingress and the dispatcher) becomes one family whose series keep their
 * `service` label, so every name appears once, as in the fleet.
 */
export async function metricsOf(registries: readonly Registry[]): Promise<string> {
  if (registries.length === 1) return registries[0].metrics();
  const metrics = await Promise.all(registries.map((registry) => registry.getMetricsAsJSON()));
  return AggregatorRegistry.aggregate(metrics).metrics();
}
