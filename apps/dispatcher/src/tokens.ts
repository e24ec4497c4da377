/** Injection tokens of the dispatcher (Symbols, never strings). */
export const DISPATCHER_ENVIRONMENT = Symbol('DispatcherEnvironment');
export const GATEWAY_CONFIGURATION = Symbol('GatewayConfiguration');
export const BUS_CONNECTION = Symbol('NatsConnection');
export const REDIS = Symbol('Redis');
export const METRICS_REGISTRY = Symbol('MetricsRegistry');
/** this process' id on the bus (`DISPATCHER_ID`, or host, pid and a random suffix). */
export const DISPATCHER_ID = Symbol('DispatcherId');
/** the providers this process serves, as resolved before the module. */
export const SERVED_PROVIDERS = Symbol('ServedProviders');
/** what `DispatchChat` tells about its attempts (`AttemptListener`). */
export const ATTEMPT_LISTENER = Symbol('AttemptListener');
/** connections kept per upstream origin; unset in the service (default), smaller in specs. */
export const UPSTREAM_CONNECTIONS_PER_ORIGIN = Symbol('UpstreamConnectionsPerOrigin');
