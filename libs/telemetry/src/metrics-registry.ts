import { collectDefaultMetrics, Registry } from 'prom-client';
import { busCallbackFailures } from './bus-metrics';

/** A service's Prometheus registry: Node process metrics plus the service's own, labelled with its name. */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  registry.registerMetric(busCallbackFailures);
  return registry;
}
