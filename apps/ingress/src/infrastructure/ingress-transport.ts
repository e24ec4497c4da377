import type { InProcessProviders, InProcessRpc } from '@switchyard/bus';
import type { Registry } from 'prom-client';

/**
 * How the ingress reaches the classifier and the dispatchers, chosen at start. Empty (the fleet):
 * everything over NATS. The one-process mode (`apps/switchyard`) passes the in-process hops; what
 * they do not serve still goes over NATS (the ledger's keys and spend, remote providers).
 */
export interface IngressTransport {
  /** request/reply subjects answered in process (`classify.v1`). */
  rpc?: InProcessRpc;
  /** `dispatch.<provider>.*` of the providers served in process; others go over NATS. */
  providers?: InProcessProviders;
  /** the other modules' metrics, shown by the ingress's `/metrics` beside its own. */
  metricsRegistries?: Registry[];
}
