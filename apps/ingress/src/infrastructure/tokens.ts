/** Injection tokens of the ingress (Symbols, never strings). */
export const INGRESS_ENVIRONMENT = Symbol('IngressEnvironment');
export const GATEWAY_CONFIGURATION = Symbol('GatewayConfiguration');
export const BUS_CONNECTION = Symbol('NatsConnection');
export const REDIS = Symbol('Redis');
export const METRICS_REGISTRY = Symbol('MetricsRegistry');
