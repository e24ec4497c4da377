import { type BeforeApplicationShutdown, Inject, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';
import type Redis from 'ioredis';
import type { NatsConnection } from 'nats';
import { StreamRequester, UsagePublisher } from '@switchyard/bus';
import { CANCELLED_REPLY_WAIT_MS } from './dispatch/dispatch-client';
import { BUS_CONNECTION, REDIS } from './infrastructure/tokens';
import { AdmittedCalls } from './limits/admitted-calls';

/** Client calls still running this long after SIGTERM are cut (their upstream calls cancelled). */
export const HTTP_DRAIN_MS = 20_000;
/** Then: how long cut calls may take to get their dispatcher's last reply and settle. */
const SETTLE_DRAIN_MS = CANCELLED_REPLY_WAIT_MS + 1000;

/**
 * Shutdown in the order that loses nothing: the HTTP server stops taking requests and lets calls
 * in flight finish (cut after `HTTP_DRAIN_MS`, which cancels them); then the calls settle (the bus
 * is still up, so cancelled attempts' last replies arrive), whatever still holds a slot or a
 * reservation is released, the usage publisher is flushed, and only then are the bus and Redis
 * closed. Compose's `stop_grace_period` leaves room for all of it.
 */
export class InfrastructureShutdown implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Shutdown');
  private cutTimer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(BUS_CONNECTION) private readonly connection: NatsConnection,
    @Inject(UsagePublisher) private readonly publisher: UsagePublisher,
    @Inject(StreamRequester) private readonly streams: StreamRequester,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(AdmittedCalls) private readonly calls: AdmittedCalls,
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
  ) {}

  beforeApplicationShutdown(): void {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server) return;
    this.cutTimer = setTimeout(() => {
      this.logger.warn(`client calls still open ${HTTP_DRAIN_MS} ms after the stop signal; cutting them`);
      server.closeAllConnections();
    }, HTTP_DRAIN_MS);
    this.cutTimer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.cutTimer) clearTimeout(this.cutTimer);
    if (!(await this.calls.settled(SETTLE_DRAIN_MS))) {
      this.logger.warn(`${this.calls.size} calls never settled; releasing their limits`);
    }
    await this.calls.releaseAll();
    this.redis.disconnect();
    await this.publisher.flush();
    await this.streams.close();
    await this.connection.drain();
  }
}
