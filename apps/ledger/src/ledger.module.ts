import { type DynamicModule, Logger, Module } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import { Counter, type Registry } from 'prom-client';
import { BusClient, BusNamespace, connectToBus } from '@switchyard/bus';
import { createRedisConnection } from '@switchyard/cache';
import type { LedgerEnvironment } from '@switchyard/config';
import { createMetricsRegistry, LedgerMetrics } from '@switchyard/telemetry';
import { createLedgerDataSource, ensureDatabase, migrate } from './database/ledger-data-source';
import {
  BUS_CONNECTION,
  DATA_SOURCE,
  LEDGER_ENVIRONMENT,
  METRICS_REGISTRY,
  REDIS,
  RESPONSE_RETENTION_DAYS,
  RPC_SERVER,
  type RpcServerState,
  SPEND_COUNTER_LISTENER,
  USAGE_CONSUMER_LISTENER,
  USAGE_CONSUMER_OPTIONS,
} from './infrastructure/tokens';
import { KeysController } from './keys/keys.controller';
import { ManageKeys } from './keys/manage-keys';
import { LedgerLifecycle } from './ledger-lifecycle';
import { ManageOrg } from './org/manage-org';
import { OrgController } from './org/org.controller';
import { ResponsesController } from './responses/responses.controller';
import { ResponseStore } from './responses/response-store';
import { RoutedAskStore } from './routing/routed-ask-store';
import { RoutedAsksController } from './routing/routed-asks.controller';
import { SpendController } from './spend/spend.controller';
import { SpendCounters, type SpendCounterListener } from './spend/spend-counters';
import { SpendDailyQueries } from './spend/spend-daily-queries';
import { SpendQueries } from './spend/spend-queries';
import { UsageConsumer, type UsageConsumerOptions } from './usage/usage-consumer';
import { UsageIngestionListener } from './usage-ingestion-listener';
import { UsageStore } from './usage/usage-store';

/**
 * The ledger: the only writer of Postgres. Migrates at start, ingests usage events (rows, daily
 * rollups and key spend in one transaction per batch, then the Redis spend counters), and serves
 * the key and spend API on the bus. What it was started with are values; what it runs on (Postgres,
 * the bus, Redis, the metrics registry) is built by factories from those tokens; its own classes
 * are injected by their class or a token of `./infrastructure/tokens`. `LedgerLifecycle` is the one
 * provider with lifecycle hooks: it owns the start and the shutdown order.
 */
@Module({})
export class LedgerModule {
  /** `registry`: its metrics (the one-process mode passes one the ingress's `/metrics` shows). */
  static forRoot(
    environment: LedgerEnvironment,
    rpcServer: RpcServerState,
    registry: Registry = createMetricsRegistry('ledger'),
  ): DynamicModule {
    return {
      module: LedgerModule,
      controllers: [
        KeysController,
        OrgController,
        SpendController,
        RoutedAsksController,
        ResponsesController,
      ],
      providers: [
        // what the process was started with
        { provide: LEDGER_ENVIRONMENT, useValue: environment },
        { provide: METRICS_REGISTRY, useValue: registry },
        { provide: RPC_SERVER, useValue: rpcServer },
        {
          provide: RESPONSE_RETENTION_DAYS,
          inject: [LEDGER_ENVIRONMENT],
          useFactory: (ledger: LedgerEnvironment) => ledger.RESPONSES_RETENTION_DAYS,
        },
        // what it runs on
        {
          provide: BusNamespace,
          inject: [LEDGER_ENVIRONMENT],
          useFactory: (ledger: LedgerEnvironment) => new BusNamespace(ledger.BUS_NAMESPACE),
        },
        {
          provide: LedgerMetrics,
          inject: [METRICS_REGISTRY],
          useFactory: (metricsRegistry: Registry) => new LedgerMetrics(metricsRegistry),
        },
        {
          provide: DATA_SOURCE,
          inject: [LEDGER_ENVIRONMENT],
          useFactory: async (ledger: LedgerEnvironment) => {
            if (ledger.LEDGER_CREATE_DATABASE) await ensureDatabase(ledger.DATABASE_URL);
            const dataSource = await createLedgerDataSource(
              ledger.DATABASE_URL,
              ledger.LEDGER_WRITE_CONCURRENCY + 6,
            ).initialize();
            const applied = await migrate(dataSource);
            if (applied.length > 0) new Logger('Ledger').log(`applied migrations: ${applied.join(', ')}`);
            return dataSource;
          },
        },
        {
          provide: BUS_CONNECTION,
          inject: [LEDGER_ENVIRONMENT],
          useFactory: (ledger: LedgerEnvironment) =>
            connectToBus({
              url: ledger.NATS_URL,
              name: 'ledger',
              user: ledger.NATS_USER,
              password: ledger.NATS_PASSWORD,
            }),
        },
        {
          provide: REDIS,
          inject: [LEDGER_ENVIRONMENT],
          useFactory: (ledger: LedgerEnvironment) => createRedisConnection(ledger, 'ledger'),
        },
        {
          provide: BusClient,
          inject: [BUS_CONNECTION, BusNamespace],
          useFactory: (connection: NatsConnection, namespace: BusNamespace) =>
            new BusClient(connection, namespace),
        },
        {
          provide: SPEND_COUNTER_LISTENER,
          inject: [METRICS_REGISTRY],
          useFactory: (metricsRegistry: Registry): SpendCounterListener => {
            const failures = new Counter({
              name: 'switchyard_ledger_spend_counter_failures_total',
              help: 'Spend counter updates that could not reach Redis (kept and retried).',
              registers: [metricsRegistry],
            });
            return { onFailure: () => failures.inc() };
          },
        },
        {
          provide: USAGE_CONSUMER_OPTIONS,
          inject: [LEDGER_ENVIRONMENT, RoutedAskStore],
          useFactory: (ledger: LedgerEnvironment, routedAsks: RoutedAskStore): UsageConsumerOptions => ({
            batchSize: ledger.LEDGER_BATCH_SIZE,
            maxBatchWaitMs: ledger.LEDGER_BATCH_WAIT_MS,
            ackWaitMs: 10_000,
            writeConcurrency: ledger.LEDGER_WRITE_CONCURRENCY,
            streamLimits: {
              usageMaxBytes: ledger.USAGE_STREAM_MAX_BYTES,
              deadLetterMaxBytes: ledger.USAGE_DEAD_LETTER_STREAM_MAX_BYTES,
            },
            streamReplicas: ledger.USAGE_STREAM_REPLICAS,
            routingLog: routedAsks,
          }),
        },
        // the ledger's own classes
        SpendCounters,
        ManageKeys,
        ManageOrg,
        SpendQueries,
        SpendDailyQueries,
        ResponseStore,
        UsageStore,
        RoutedAskStore,
        { provide: USAGE_CONSUMER_LISTENER, useClass: UsageIngestionListener },
        UsageConsumer,
        LedgerLifecycle,
      ],
    };
  }
}
