import {
  type DynamicModule,
  Inject,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Server } from 'node:http';
import type { NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import { BusNamespace, connectToBus } from '@switchyard/bus';
import type { LedgerEnvironment } from '@switchyard/config';
import { createMetricsRegistry, startWorkerHttpServer } from '@switchyard/telemetry';
import { createLedgerDataSource, ensureDatabase, migrate } from './database/ledger-data-source';
import { UsageConsumer } from './usage/usage-consumer';
import { UsageStore } from './usage/usage-store';

const ENVIRONMENT = Symbol('LedgerEnvironment');
const BUS = Symbol('NatsConnection');
const DATA_SOURCE = Symbol('DataSource');

class LedgerLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Ledger');
  private http: Server | null = null;

  constructor(
    @Inject(ENVIRONMENT) private readonly environment: LedgerEnvironment,
    @Inject(UsageConsumer) private readonly consumer: UsageConsumer,
    @Inject(BUS) private readonly connection: NatsConnection,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
    this.http = await startWorkerHttpServer(this.environment.METRICS_PORT, createMetricsRegistry('ledger'), [
      { name: 'nats', check: () => !this.connection.isClosed() },
      {
        name: 'postgres',
        check: async () => (await this.dataSource.query<unknown[]>('SELECT 1')).length === 1,
      },
    ]);
    this.logger.log('consuming usage events');
  }

  async onApplicationShutdown(): Promise<void> {
    this.http?.close();
    await this.consumer.stop();
    await this.connection.drain();
    await this.dataSource.destroy();
  }
}

/** The ledger: the only writer of Postgres. Migrates at start, then ingests usage events. */
@Module({})
export class LedgerModule {
  static forRoot(environment: LedgerEnvironment): DynamicModule {
    const namespace = new BusNamespace(environment.BUS_NAMESPACE);
    return {
      module: LedgerModule,
      providers: [
        { provide: ENVIRONMENT, useValue: environment },
        { provide: BusNamespace, useValue: namespace },
        {
          provide: DATA_SOURCE,
          useFactory: async () => {
            if (environment.LEDGER_CREATE_DATABASE) await ensureDatabase(environment.DATABASE_URL);
            const dataSource = await createLedgerDataSource(environment.DATABASE_URL).initialize();
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
        {
          provide: UsageStore,
          inject: [DATA_SOURCE],
          useFactory: (dataSource: DataSource) => new UsageStore(dataSource),
        },
        {
          provide: UsageConsumer,
          inject: [BUS, UsageStore],
          useFactory: (connection: NatsConnection, store: UsageStore) =>
            new UsageConsumer(connection, namespace, store, {
              batchSize: environment.LEDGER_BATCH_SIZE,
              maxBatchWaitMs: 20,
              ackWaitMs: 10_000,
            }),
        },
        LedgerLifecycle,
      ],
    };
  }
}
