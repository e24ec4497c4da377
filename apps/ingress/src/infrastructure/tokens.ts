/** Injection tokens of the ingress (Symbols, never strings). */
export const INGRESS_ENVIRONMENT = Symbol('IngressEnvironment');
export const GATEWAY_CONFIGURATION = Symbol('GatewayConfiguration');
export const BUS_CONNECTION = Symbol('NatsConnection');
export const REDIS = Symbol('Redis');
export const METRICS_REGISTRY = Symbol('MetricsRegistry');
/** the `ProviderRequester` of `dispatch.<provider>.*`: NATS, or in process (the one-process mode). */
export const PROVIDER_REQUESTER = Symbol('ProviderRequester');
/** every registry `/metrics` shows: the ingress's, and in the one-process mode the other modules'. */
export const METRICS_SOURCES = Symbol('MetricsSources');
