/** Injection tokens of the ledger (Symbols, never strings). */
export const LEDGER_ENVIRONMENT = Symbol('LedgerEnvironment');
export const BUS_CONNECTION = Symbol('NatsConnection');
export const DATA_SOURCE = Symbol('DataSource');
export const REDIS = Symbol('Redis');
export const METRICS_REGISTRY = Symbol('MetricsRegistry');
/** the microservice side of the ledger, for readiness (`RpcServerState`). */
export const RPC_SERVER = Symbol('RpcServer');
/** days a stored Responses API response is kept (`RESPONSES_RETENTION_DAYS`; 0: until deleted). */
export const RESPONSE_RETENTION_DAYS = Symbol('ResponseRetentionDays');
/** the usage consumer's batching, stream limits and routing log (`UsageConsumerOptions`). */
export const USAGE_CONSUMER_OPTIONS = Symbol('UsageConsumerOptions');
/** what happens after each batch the usage consumer writes (`UsageConsumerListener`). */
export const USAGE_CONSUMER_LISTENER = Symbol('UsageConsumerListener');
/** what the spend counters report when Redis fails them (`SpendCounterListener`). */
export const SPEND_COUNTER_LISTENER = Symbol('SpendCounterListener');
/**
 * The time of key and org changes. Not provided by the module (the wall clock applies); a spec can
 * construct the use case with its own.
 */
export const CLOCK = Symbol('Clock');

/** The microservice side of the ledger, for readiness: true once it listens on the bus. */
export interface RpcServerState {
  listening(): boolean;
}
