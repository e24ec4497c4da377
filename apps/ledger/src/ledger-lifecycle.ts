import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Server } from 'node:http';
import type Redis from 'ioredis';
import type { NatsConnection } from 'nats';
import type { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { LedgerEnvironment } from '@switchyard/config';
import { LedgerMetrics, startWorkerHttpServer } from '@switchyard/telemetry';
import {
  BUS_CONNECTION,
  DATA_SOURCE,
  LEDGER_ENVIRONMENT,
  METRICS_REGISTRY,
  REDIS,
  RPC_SERVER,
  type RpcServerState,
} from './infrastructure/tokens';
import { ManageKeys } from './keys/manage-keys';
import { ResponseStore } from './responses/response-store';
import { RoutedAskStore } from './routing/routed-ask-store';
import { SpendCounters } from './spend/spend-counters';
import { UsageConsumer } from './usage/usage-consumer';

/** How often the spend counters of budgeted keys are reseeded from Postgres (heals a Redis restart). */
const RESEED_INTERVAL_MS = 60_000;
const BACKLOG_INTERVAL_MS = 5000;
/** How often logged asks past their retention are deleted (also once at start). */
const ROUTED_ASK_SWEEP_INTERVAL_MS = 3600_000;
/** How often stored Responses API responses past their retention are deleted. */
const RESPONSE_SWEEP_INTERVAL_MS = 10 * 60_000;

/**
 * The ledger's start and stop, in one place: the only provider of the module with lifecycle hooks,
 * so the order below is the whole order (nothing depends on the order in which Nest calls the
 * hooks of several providers). Start: reseed the spend counters before anything is counted, then
 * consume usage, sweep, and open the metrics and health port. Stop: timers and the port, then the
 * consumer (what it has not acknowledged stays in the durable stream), the counters' retries, the
 * bus, Redis and last Postgres.
 */
@Injectable()
export class LedgerLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
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
