/** Injection tokens of the dispatcher (Symbols, never strings). */
export const DISPATCHER_ENVIRONMENT = Symbol('DispatcherEnvironment');
export const GATEWAY_CONFIGURATION = Symbol('GatewayConfiguration');
export const BUS_CONNECTION = Symbol('NatsConnection');
export const REDIS = Symbol('Redis');
export const METRICS_REGISTRY = Symbol('MetricsRegistry');
/** this process's name on the bus (`DISPATCHER_ID`, or host, pid and a random suffix). */
export const DISPATCHER_ID = Symbol('DispatcherId');
/** the provider instances this process serves (`ServedDeployments.providers`). */
export const SERVED_PROVIDERS = Symbol('ServedProviders');
/** where `dispatch.<provider>.*` requests come from: NATS, or in process (the one-process mode). */
export const PROVIDER_SERVER = Symbol('ProviderServer');
/** the native Responses use case and the served providers that have the API (`ResponsesService`). */
export const RESPONSES_SERVICE = Symbol('ResponsesService');
/** what the chat and Responses use cases tell about each attempt (`AttemptListener`). */
export const ATTEMPT_LISTENER = Symbol('AttemptListener');
/**
 * Keep-alive connections per upstream origin. Not provided by the module (the client's default
 * applies); a spec constructs the client with a smaller pool.
 */
export const UPSTREAM_CONNECTIONS_PER_ORIGIN = Symbol('UpstreamConnectionsPerOrigin');
