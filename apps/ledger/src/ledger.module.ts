import {
  type DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Server } from 'node:http';
import type Redis from 'ioredis';
import type { NatsConnection } from 'nats';
import type { Registry } from 'prom-client';
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
import { SpendController } from './spend/spend.controller';
import { SpendDailyQueries } from './spend/spend-daily-queries';
import { SpendQueries } from './spend/spend-queries';
import { CountSpendCounterFailures } from './spend/count-spend-counter-failures';
import {
  BUS_CONNECTION,
  DATA_SOURCE,
  LEDGER_ENVIRONMENT,
  METRICS_REGISTRY,
  REDIS,
  RPC_SERVER,
  SPEND_COUNTER_LISTENER,
  USAGE_CONSUMER_LISTENER,
  USAGE_CONSUMER_OPTIONS,
} from './tokens';
import { UsageBatchListener } from './usage/usage-batch-listener';
import { UsageConsumer, type UsageConsumerOptions } from './usage/usage-consumer';
import { UsageStore } from './usage/usage-store';

/** How often the spend counters of budgeted keys are reseeded from Postgres (heals a Redis restart). */
const RESEED_INTERVAL_MS = 60_000;
const BACKLOG_INTERVAL_MS = 5000;

/** The microservice side of the ledger, for readiness: true once it listens on the bus. */
export interface RpcServerState {
  listening(): boolean;
}

@Injectable()
class LedgerLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Ledger');
  private http: Server | null = null;
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    @Inject(LEDGER_ENVIRONMENT) private readonly environment: LedgerEnvironment,
    @Inject(UsageConsumer) private readonly consumer: UsageConsumer,
    @Inject(ManageKeys) private readonly manageKeys: ManageKeys,
    @Inject(SpendCounters) private readonly counters: SpendCounters,
    @Inject(BUS_CONNECTION) private readonly connection: NatsConnection,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
    @Inject(LedgerMetrics) private readonly metrics: LedgerMetrics,
    @Inject(RPC_SERVER) private readonly rpcServer: RpcServerState,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // budgets are checked against these counters: rebuild them before anything is counted
    await this.reseed();
    await this.consumer.start();
    this.every(RESEED_INTERVAL_MS, () => this.reseed());
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
  static forRoot(environment: LedgerEnvironment, rpcServer: RpcServerState): DynamicModule {
    return {
      module: LedgerModule,
      controllers: [KeysController, OrgController, SpendController],
      providers: [
        { provide: LEDGER_ENVIRONMENT, useValue: environment },
        { provide: BusNamespace, useValue: new BusNamespace(environment.BUS_NAMESPACE) },
        { provide: METRICS_REGISTRY, useFactory: () => createMetricsRegistry('ledger') },
        {
          provide: LedgerMetrics,
          inject: [METRICS_REGISTRY],
          useFactory: (registry: Registry) => new LedgerMetrics(registry),
        },
        { provide: RPC_SERVER, useValue: rpcServer },
        {
          provide: DATA_SOURCE,
          inject: [LEDGER_ENVIRONMENT],
          useFactory: async (env: LedgerEnvironment) => {
            if (env.LEDGER_CREATE_DATABASE) await ensureDatabase(env.DATABASE_URL);
            const dataSource = await createLedgerDataSource(
              env.DATABASE_URL,
              env.LEDGER_WRITE_CONCURRENCY + 6,
            ).initialize();
            const applied = await migrate(dataSource);
            if (applied.length > 0) new Logger('Ledger').log(`applied migrations: ${applied.join(', ')}`);
            return dataSource;
          },
        },
        {
          provide: BUS_CONNECTION,
          inject: [LEDGER_ENVIRONMENT],
          useFactory: (env: LedgerEnvironment) =>
            connectToBus({
              url: env.NATS_URL,
              name: 'ledger',
              user: env.NATS_USER,
              password: env.NATS_PASSWORD,
            }),
        },
        {
          provide: REDIS,
          inject: [LEDGER_ENVIRONMENT],
          useFactory: (env: LedgerEnvironment) => createRedisConnection(env, 'ledger'),
        },
        {
          provide: BusClient,
          inject: [BUS_CONNECTION, BusNamespace],
          useFactory: (connection: NatsConnection, namespace: BusNamespace) =>
            new BusClient(connection, namespace),
        },
        {
          provide: USAGE_CONSUMER_OPTIONS,
          inject: [LEDGER_ENVIRONMENT],
          useFactory: (env: LedgerEnvironment): UsageConsumerOptions => ({
            batchSize: env.LEDGER_BATCH_SIZE,
            maxBatchWaitMs: env.LEDGER_BATCH_WAIT_MS,
            ackWaitMs: 10_000,
            writeConcurrency: env.LEDGER_WRITE_CONCURRENCY,
            streamLimits: {
              usageMaxBytes: env.USAGE_STREAM_MAX_BYTES,
              deadLetterMaxBytes: env.USAGE_DEAD_LETTER_STREAM_MAX_BYTES,
            },
            streamReplicas: env.USAGE_STREAM_REPLICAS,
          }),
        },
        { provide: SPEND_COUNTER_LISTENER, useClass: CountSpendCounterFailures },
        SpendCounters,
        ManageKeys,
        ManageOrg,
        SpendQueries,
        SpendDailyQueries,
        UsageStore,
        { provide: USAGE_CONSUMER_LISTENER, useClass: UsageBatchListener },
        UsageConsumer,
        LedgerLifecycle,
      ],
    };
  }
}
