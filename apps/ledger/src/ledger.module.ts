import {
  type DynamicModule,
  Inject,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Server } from 'node:http';
import type Redis from 'ioredis';
import type { NatsConnection } from 'nats';
import { Counter, type Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { BusClient, BusNamespace, connectToBus } from '@switchyard/bus';
import { createRedisConnection } from '@switchyard/cache';
import type { LedgerEnvironment } from '@switchyard/config';
import { createMetricsRegistry, LedgerMetrics, startWorkerHttpServer } from '@switchyard/telemetry';
import { createLedgerDataSource, ensureDatabase, migrate } from './database/ledger-data-source';
import { KeysController } from './keys/keys.controller';
import { ManageKeys } from './keys/manage-keys';
import { SpendCounters } from './spend/spend-counters';
import { ManageOrg } from './org/manage-org';
import { OrgController } from './org/org.controller';
import { RoutedAskStore } from './routing/routed-ask-store';
import { RoutedAsksController } from './routing/routed-asks.controller';
import { ResponsesController } from './responses/responses.controller';
import { ResponseStore } from './responses/response-store';
import { SpendController } from './spend/spend.controller';
import { SpendDailyQueries } from './spend/spend-daily-queries';
import { SpendQueries } from './spend/spend-queries';
import { UsageConsumer } from './usage/usage-consumer';
import { UsageStore } from './usage/usage-store';

const ENVIRONMENT = Symbol('LedgerEnvironment');
const BUS = Symbol('NatsConnection');
const DATA_SOURCE = Symbol('DataSource');
const REDIS = Symbol('Redis');
const METRICS_REGISTRY = Symbol('MetricsRegistry');
const RPC_SERVER = Symbol('RpcServer');

/** How often the spend counters of budgeted keys are reseeded from Postgres (heals a Redis restart). */
const RESEED_INTERVAL_MS = 60_000;
const BACKLOG_INTERVAL_MS = 5000;
/** How often logged asks past their retention are deleted (also once at start). */
const ROUTED_ASK_SWEEP_INTERVAL_MS = 3600_000;
/** How often stored Responses API responses past their retention are deleted. */
const RESPONSE_SWEEP_INTERVAL_MS = 10 * 60_000;

/** The microservice side of the ledger, for readiness: true once it listens on the bus. */
export interface RpcServerState {
  listening(): boolean;
}

class LedgerLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Ledger');
  private http: Server | null = null;
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    @Inject(ENVIRONMENT) private readonly environment: LedgerEnvironment,
    @Inject(UsageConsumer) private readonly consumer: UsageConsumer,
    @Inject(ManageKeys) private readonly manageKeys: ManageKeys,
    @Inject(SpendCounters) private readonly counters: SpendCounters,
    @Inject(BUS) private readonly connection: NatsConnection,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
    @Inject(LedgerMetrics) private readonly metrics: LedgerMetrics,
    @Inject(RPC_SERVER) private readonly rpcServer: RpcServerState,
    @Inject(RoutedAskStore) private readonly routedAsks: RoutedAskStore,
    @Inject(ResponseStore) private readonly responseStore: ResponseStore,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // budgets are checked against these counters: rebuild them before anything is counted
    await this.reseed();
    await this.consumer.start();
    this.every(RESEED_INTERVAL_MS, () => this.reseed());
    await this.sweepRoutedAsks();
    this.every(ROUTED_ASK_SWEEP_INTERVAL_MS, () => this.sweepRoutedAsks());
    await this.sweepResponses();
    this.every(RESPONSE_SWEEP_INTERVAL_MS, () => this.sweepResponses());
    this.every(BACKLOG_INTERVAL_MS, async () => {
      const backlog = await this.consumer.backlog();
      this.metrics.consumerPending.set(backlog.unreadMessages);
      this.metrics.consumerOldestUnreadAge.set(backlog.oldestUnreadAgeSeconds);
      for (const state of await this.consumer.streamStates()) {
        this.metrics.streamBytes.set({ stream: state.stream }, state.bytes);
        this.metrics.streamMaxBytes.set({ stream: state.stream }, state.maxBytes);
        this.metrics.streamMessages.set({ stream: state.stream }, state.messages);
      }
    });
    this.http = await startWorkerHttpServer(this.environment.METRICS_PORT, this.registry, [
      { name: 'nats', check: () => !this.connection.isClosed() },
      { name: 'bus-server', check: () => this.rpcServer.listening() },
      {
        name: 'postgres',
        check: async () => (await this.dataSource.query<unknown[]>('SELECT 1')).length === 1,
      },
    ]);
    this.logger.log('consuming usage events');
  }

  async onApplicationShutdown(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.http?.close();
    await this.consumer.stop();
    this.counters.stop();
    await this.connection.drain();
    this.redis.disconnect();
    await this.dataSource.destroy();
  }

  private async reseed(): Promise<void> {
    try {
      await this.manageKeys.reseedCounters();
    } catch (error) {
      this.logger.warn(`could not reseed the spend counters (${(error as Error).message}); retrying later`);
    }
  }

  private async sweepRoutedAsks(): Promise<void> {
    try {
      const deleted = await this.routedAsks.sweep();
      if (deleted > 0) this.logger.log(`deleted ${deleted} logged asks past their retention`);
    } catch (error) {
      this.logger.warn(`could not delete expired logged asks (${(error as Error).message}); retrying later`);
    }
  }

  private async sweepResponses(): Promise<void> {
    try {
      const deleted = await this.responseStore.sweep();
      if (deleted > 0) this.logger.log(`deleted ${deleted} stored responses past their retention`);
    } catch (error) {
      this.logger.warn(`could not sweep stored responses (${(error as Error).message}); retrying later`);
    }
  }

  private every(intervalMs: number, task: () => Promise<void>): void {
    const timer = setInterval(() => {
      task().catch(() => undefined);
    }, intervalMs);
    timer.unref();
    this.timers.push(timer);
  }
}

/**
 * The ledger: the only writer of Postgres. Migrates at start, ingests usage events (rows, daily
 * rollups and key spend in one transaction per batch, then the Redis spend counters), and serves
 * the key and spend API on the bus.
 */
@Module({})
export class LedgerModule {
  /** `registry`: its metrics (the one-process mode passes one the ingress's `/metrics` shows). */
  static forRoot(
    environment: LedgerEnvironment,
    rpcServer: RpcServerState,
    registry: Registry = createMetricsRegistry('ledger'),
  ): DynamicModule {
    const namespace = new BusNamespace(environment.BUS_NAMESPACE);
    const metrics = new LedgerMetrics(registry);
    const counterFailures = new Counter({
      name: 'switchyard_ledger_spend_counter_failures_total',
      help: 'Spend counter updates that could not reach Redis (kept and retried).',
      registers: [registry],
    });
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
        { provide: ENVIRONMENT, useValue: environment },
        { provide: BusNamespace, useValue: namespace },
        { provide: METRICS_REGISTRY, useValue: registry },
        { provide: LedgerMetrics, useValue: metrics },
        { provide: RPC_SERVER, useValue: rpcServer },
        {
          provide: DATA_SOURCE,
          useFactory: async () => {
            if (environment.LEDGER_CREATE_DATABASE) await ensureDatabase(environment.DATABASE_URL);
            const dataSource = await createLedgerDataSource(
              environment.DATABASE_URL,
              environment.LEDGER_WRITE_CONCURRENCY + 6,
            ).initialize();
            const applied = await migrate(dataSource);
            if (applied.length > 0) new Logger('Ledger').log(`applied migrations: ${applied.join(', ')}`);
            return dataSource;
          },
        },
        {
          provide: BUS,
          useFactory: () =>
            connectToBus({
              url: environment.NATS_URL,
              name: 'ledger',
              user: environment.NATS_USER,
              password: environment.NATS_PASSWORD,
            }),
        },
        { provide: REDIS, useFactory: () => createRedisConnection(environment, 'ledger') },
        {
          provide: BusClient,
          inject: [BUS],
          useFactory: (connection: NatsConnection) => new BusClient(connection, namespace),
        },
        {
          provide: SpendCounters,
          inject: [REDIS],
          useFactory: (redis: Redis) => new SpendCounters(redis, { onFailure: () => counterFailures.inc() }),
        },
        {
          provide: ManageKeys,
          inject: [DATA_SOURCE, BusClient, SpendCounters],
          useFactory: (dataSource: DataSource, bus: BusClient, counters: SpendCounters) =>
            new ManageKeys(dataSource, bus, counters),
        },
        {
          provide: ManageOrg,
          inject: [DATA_SOURCE, BusClient, SpendCounters],
          useFactory: (dataSource: DataSource, bus: BusClient, counters: SpendCounters) =>
            new ManageOrg(dataSource, bus, counters),
        },
        {
          provide: SpendQueries,
          inject: [DATA_SOURCE],
          useFactory: (dataSource: DataSource) => new SpendQueries(dataSource),
        },
        {
          provide: SpendDailyQueries,
          inject: [DATA_SOURCE, SpendQueries],
          useFactory: (dataSource: DataSource, spendQueries: SpendQueries) =>
            new SpendDailyQueries(dataSource, spendQueries),
        },
        {
          provide: ResponseStore,
          inject: [DATA_SOURCE],
          useFactory: (dataSource: DataSource) =>
            new ResponseStore(dataSource, environment.RESPONSES_RETENTION_DAYS),
        },
        {
          provide: UsageStore,
          inject: [DATA_SOURCE],
          useFactory: (dataSource: DataSource) => new UsageStore(dataSource),
        },
        {
          provide: RoutedAskStore,
          inject: [DATA_SOURCE],
          useFactory: (dataSource: DataSource) => new RoutedAskStore(dataSource),
        },
        {
          provide: UsageConsumer,
          inject: [BUS, UsageStore, SpendCounters, RoutedAskStore],
          useFactory: (
            connection: NatsConnection,
            store: UsageStore,
            counters: SpendCounters,
            routedAsks: RoutedAskStore,
          ) =>
            new UsageConsumer(
              connection,
              namespace,
              store,
              {
                batchSize: environment.LEDGER_BATCH_SIZE,
                maxBatchWaitMs: environment.LEDGER_BATCH_WAIT_MS,
                ackWaitMs: 10_000,
                writeConcurrency: environment.LEDGER_WRITE_CONCURRENCY,
                streamLimits: {
                  usageMaxBytes: environment.USAGE_STREAM_MAX_BYTES,
                  deadLetterMaxBytes: environment.USAGE_DEAD_LETTER_STREAM_MAX_BYTES,
                },
                streamReplicas: environment.USAGE_STREAM_REPLICAS,
                routingLog: routedAsks,
              },
              {
                onBatchWritten: (result, received, durationMs) => {
                  counters.apply(
                    result.keyWindows,
                    result.inserted,
                    result.budgetedKeyIds,
                    result.eventScopes,
                  );
                  metrics.events.inc({ result: 'written' }, result.inserted.length);
                  metrics.events.inc({ result: 'duplicate' }, received - result.inserted.length);
                  metrics.batchSize.observe(received);
                  metrics.insertDuration.observe(durationMs / 1000);
                  const now = Date.now();
                  for (const event of result.inserted) {
                    metrics.lag.observe(Math.max(0, now - Date.parse(event.startedAt)) / 1000);
                  }
                },
                onDeadLetter: () => metrics.events.inc({ result: 'dead_letter' }),
                onMinimalRow: () => metrics.events.inc({ result: 'minimal_row' }),
                onWriteFailure: () => metrics.writeFailures.inc(),
              },
            ),
        },
        LedgerLifecycle,
      ],
    };
  }
}
