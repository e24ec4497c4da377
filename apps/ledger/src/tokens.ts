/** Injection tokens of the ledger (Symbols, never strings). */
export const LEDGER_ENVIRONMENT = Symbol('LedgerEnvironment');
export const BUS_CONNECTION = Symbol('NatsConnection');
export const DATA_SOURCE = Symbol('DataSource');
export const REDIS = Symbol('Redis');
export const METRICS_REGISTRY = Symbol('MetricsRegistry');
/** the microservice side of the ledger (`RpcServerState`), for readiness. */
export const RPC_SERVER = Symbol('RpcServer');
/** the clock of key and org changes; unset in the service (the system clock). */
export const CLOCK = Symbol('Clock');
/** `UsageConsumerOptions`, from the environment. */
export const USAGE_CONSUMER_OPTIONS = Symbol('UsageConsumerOptions');
/** what `UsageConsumer` tells about its batches (`UsageConsumerListener`). */
export const USAGE_CONSUMER_LISTENER = Symbol('UsageConsumerListener');
/** what `SpendCounters` tells about failed updates (`SpendCounterListener`). */
export const SPEND_COUNTER_LISTENER = Symbol('SpendCounterListener');
