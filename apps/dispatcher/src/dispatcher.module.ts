import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import {
  type DynamicModule,
  Inject,
  Injectable,
  Module,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { Server } from 'node:http';
import type { NatsConnection } from 'nats';
import { BusClient, BusNamespace, connectToBus, ensureUsageStreams, UsagePublisher } from '@switchyard/bus';
import { createRedisConnection } from '@switchyard/cache';
import type Redis from 'ioredis';
import { CooldownTracker } from './cooldown';
import { ProbeDeployment } from './probe-deployment';
import type { DispatcherEnvironment } from '@switchyard/config';
import {
  createMetricsRegistry,
  DispatcherMetrics,
  startWorkerHttpServer,
  UsagePublisherMetrics,
} from '@switchyard/telemetry';
import type { Registry } from 'prom-client';
import type { GatewayConfiguration } from '@switchyard/config';
import { RouterBaselines } from './router-baselines';
import { DispatchAttemptListener } from './dispatch-attempt-listener';
import { DispatchChat } from './dispatch-chat';
import { DispatchEmbeddings } from './dispatch-embeddings';
import { DispatchServer } from './dispatch-server';
import { InFlightRequests } from './in-flight-requests';
import { RecordAttempt } from './record-attempt';
import { ServedDeployments } from './served-deployments';
import {
  ATTEMPT_LISTENER,
  BUS_CONNECTION,
  DISPATCHER_ENVIRONMENT,
  DISPATCHER_ID,
  GATEWAY_CONFIGURATION,
  METRICS_REGISTRY,
  REDIS,
  SERVED_PROVIDERS,
} from './tokens';
import { UpstreamClient } from './upstream-client';

const SHUTDOWN_GRACE_MS = 30_000;

@Injectable()
class DispatcherLifecycle implements OnModuleInit, OnApplicationShutdown {
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

/** Wires the dispatcher: bus connection, served deployments, upstream client, use cases, bus edge. */
@Module({})
export class DispatcherModule {
  /** `served` is resolved before the module so a missing key stops the process with a clear message. */
  static forRoot(
    environment: DispatcherEnvironment,
    configuration: GatewayConfiguration,
    served: ServedDeployments,
  ): DynamicModule {
    const dispatcherId =
      environment.DISPATCHER_ID ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    return {
      module: DispatcherModule,
      providers: [
        { provide: DISPATCHER_ENVIRONMENT, useValue: environment },
        { provide: GATEWAY_CONFIGURATION, useValue: configuration },
        { provide: ServedDeployments, useValue: served },
        { provide: SERVED_PROVIDERS, useValue: served.providers },
        { provide: DISPATCHER_ID, useValue: dispatcherId },
        { provide: BusNamespace, useValue: new BusNamespace(environment.BUS_NAMESPACE) },
        { provide: METRICS_REGISTRY, useFactory: () => createMetricsRegistry('dispatcher') },
        {
          provide: DispatcherMetrics,
          inject: [METRICS_REGISTRY],
          useFactory: (registry: Registry) => new DispatcherMetrics(registry),
        },
        {
          provide: BUS_CONNECTION,
          inject: [DISPATCHER_ENVIRONMENT, ServedDeployments, BusNamespace],
          useFactory: async (
            env: DispatcherEnvironment,
            served: ServedDeployments,
            namespace: BusNamespace,
          ) => {
            const connection = await connectToBus({
              url: env.NATS_URL,
              name: `dispatcher(${served.providers.join(',')})`,
              user: env.NATS_USER,
              password: env.NATS_PASSWORD,
            });
            await ensureUsageStreams(await connection.jetstreamManager(), namespace, {
              replicas: env.USAGE_STREAM_REPLICAS,
              createWithLimits: {
                usageMaxBytes: env.USAGE_STREAM_MAX_BYTES,
                deadLetterMaxBytes: env.USAGE_DEAD_LETTER_STREAM_MAX_BYTES,
              },
            });
            return connection;
          },
        },
        {
          provide: BusClient,
          inject: [BUS_CONNECTION, BusNamespace],
          useFactory: (connection: NatsConnection, namespace: BusNamespace) =>
            new BusClient(connection, namespace),
        },
        {
          provide: UsagePublisher,
          inject: [BUS_CONNECTION, BusNamespace, METRICS_REGISTRY, DispatcherMetrics],
          useFactory: (
            connection: NatsConnection,
            namespace: BusNamespace,
            registry: Registry,
            metrics: DispatcherMetrics,
          ) => {
            const publisherMetrics = new UsagePublisherMetrics(registry);
            return publisherMetrics.watch(
              new UsagePublisher(connection, namespace, {
                ...publisherMetrics.hooks,
                onPublishFailure: () => metrics.usagePublishFailures.inc(),
              }),
            );
          },
        },
        {
          provide: REDIS,
          inject: [DISPATCHER_ENVIRONMENT],
          useFactory: (env: DispatcherEnvironment) => createRedisConnection(env, 'dispatcher'),
        },
        UpstreamClient,
        CooldownTracker,
        InFlightRequests,
        RouterBaselines,
        RecordAttempt,
        { provide: ATTEMPT_LISTENER, useClass: DispatchAttemptListener },
        DispatchChat,
        DispatchEmbeddings,
        ProbeDeployment,
        DispatchServer,
        DispatcherLifecycle,
      ],
    };
  }
}
