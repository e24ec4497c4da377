import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Server } from 'node:http';
import type Redis from 'ioredis';
import type { NatsConnection } from 'nats';
import type { Registry } from 'prom-client';
import { UsagePublisher } from '@switchyard/bus';
import type { DispatcherEnvironment } from '@switchyard/config';
import { startWorkerHttpServer } from '@switchyard/telemetry';
import { DispatchServer } from './dispatch-server';
import { InFlightRequests } from './in-flight-requests';
import { BUS_CONNECTION, DISPATCHER_ENVIRONMENT, METRICS_REGISTRY, REDIS } from './tokens';
import { UpstreamClient } from './upstream-client';

/** How long a stopping dispatcher waits for the requests in flight before it cancels them. */
const SHUTDOWN_GRACE_MS = 30_000;

/**
 * The dispatcher's start and stop, in one place: the only provider of the module with lifecycle
 * hooks, so the order below is the whole order (nothing depends on the order in which Nest calls
 * the hooks of several providers). Start: serve the providers, then the metrics and health port.
 * Stop, in the order that loses no usage: the health port closes, the server stops taking
 * requests and drains (cancelling what is still running after the grace period, each attempt
 * still recording its usage), the heartbeats stop, the usage publisher is flushed, and only then
 * are the upstream pools, Redis and the bus closed.
 */
@Injectable()
export class DispatcherLifecycle implements OnModuleInit, OnApplicationShutdown {
  private http: Server | null = null;

  constructor(
    @Inject(DISPATCHER_ENVIRONMENT) private readonly environment: DispatcherEnvironment,
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
    @Inject(BUS_CONNECTION) private readonly connection: NatsConnection,
    @Inject(DispatchServer) private readonly server: DispatchServer,
    @Inject(UsagePublisher) private readonly publisher: UsagePublisher,
    @Inject(UpstreamClient) private readonly upstream: UpstreamClient,
    @Inject(InFlightRequests) private readonly inFlight: InFlightRequests,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async onModuleInit(): Promise<void> {
    this.server.start();
    this.http = await startWorkerHttpServer(this.environment.METRICS_PORT, this.registry, [
      { name: 'nats', check: () => !this.connection.isClosed() },
    ]);
  }

  async onApplicationShutdown(): Promise<void> {
    this.http?.close();
    await this.server.stop(SHUTDOWN_GRACE_MS);
    this.inFlight.stop();
    await this.publisher.flush();
    await this.upstream.close();
    this.redis.disconnect();
    await this.connection.drain();
  }
}
