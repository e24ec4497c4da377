import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import {
  type DynamicModule,
  Inject,
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
import { DispatchChat } from './dispatch-chat';
import { DispatchEmbeddings } from './dispatch-embeddings';
import { DispatchResponses, nativeResponsesProviders } from './dispatch-responses';
import { DispatchServer } from './dispatch-server';
import { InFlightRequests } from './in-flight-requests';
import { RecordAttempt } from './record-attempt';
import { ServedDeployments } from './served-deployments';
import { UpstreamClient } from './upstream-client';

const ENVIRONMENT = Symbol('DispatcherEnvironment');
const BUS = Symbol('NatsConnection');
const NAMESPACE = Symbol('BusNamespace');
const REGISTRY = Symbol('Registry');
const REDIS = Symbol('Redis');

const SHUTDOWN_GRACE_MS = 30_000;

class DispatcherLifecycle implements OnModuleInit, OnApplicationShutdown {
  private http: Server | null = null;

  constructor(
    @Inject(ENVIRONMENT) private readonly environment: DispatcherEnvironment,
    @Inject(REGISTRY) private readonly registry: Registry,
    @Inject(BUS) private readonly connection: NatsConnection,
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
    const registry = createMetricsRegistry('dispatcher');
    const dispatcherId =
      environment.DISPATCHER_ID ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    const metrics = new DispatcherMetrics(registry);
    return {
      module: DispatcherModule,
      providers: [
        { provide: REGISTRY, useValue: registry },
        { provide: DispatcherMetrics, useValue: metrics },
        { provide: ENVIRONMENT, useValue: environment },
        { provide: ServedDeployments, useValue: served },
        { provide: NAMESPACE, useValue: new BusNamespace(environment.BUS_NAMESPACE) },
        {
          provide: BUS,
          inject: [ENVIRONMENT, ServedDeployments, NAMESPACE],
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
          provide: UsagePublisher,
          inject: [BUS, NAMESPACE],
          useFactory: (connection: NatsConnection, namespace: BusNamespace) => {
            const publisherMetrics = new UsagePublisherMetrics(registry);
            return publisherMetrics.watch(
              new UsagePublisher(connection, namespace, {
                ...publisherMetrics.hooks,
                onPublishFailure: () => metrics.usagePublishFailures.inc(),
              }),
            );
          },
        },
        { provide: UpstreamClient, useFactory: () => new UpstreamClient() },
        { provide: REDIS, useFactory: () => createRedisConnection(environment, 'dispatcher') },
        {
          provide: CooldownTracker,
          inject: [REDIS, BUS, NAMESPACE],
          useFactory: (redis: Redis, connection: NatsConnection, namespace: BusNamespace) =>
            new CooldownTracker(redis, new BusClient(connection, namespace), configuration, metrics),
        },
        { provide: InFlightRequests, useFactory: () => new InFlightRequests(metrics.inFlight) },
        {
          provide: RecordAttempt,
          inject: [UsagePublisher],
          useFactory: (publisher: UsagePublisher) =>
            new RecordAttempt(publisher, new RouterBaselines(configuration), metrics),
        },
        {
          provide: DispatchChat,
          inject: [ServedDeployments, UpstreamClient, RecordAttempt, CooldownTracker],
          useFactory: (
            served: ServedDeployments,
            upstream: UpstreamClient,
            record: RecordAttempt,
            cooldowns: CooldownTracker,
          ) =>
            new DispatchChat(served, upstream, record, {
              onAttemptFailed: (deployment, error) => cooldowns.onAttemptFailed(deployment, error),
              onRetry: (deployment, error) =>
                metrics.retries.inc({
                  provider: deployment.target.provider,
                  reason: error.code ?? String(error.status),
                }),
            }),
        },
        {
          provide: DispatchResponses,
          inject: [ServedDeployments, UpstreamClient, RecordAttempt, CooldownTracker],
          useFactory: (
            served: ServedDeployments,
            upstream: UpstreamClient,
            record: RecordAttempt,
            cooldowns: CooldownTracker,
          ) =>
            new DispatchResponses(served, upstream, record, {
              onAttemptFailed: (deployment, error) => cooldowns.onAttemptFailed(deployment, error),
              onRetry: (deployment, error) =>
                metrics.retries.inc({
                  provider: deployment.target.provider,
                  reason: error.code ?? String(error.status),
                }),
            }),
        },
        {
          provide: DispatchEmbeddings,
          inject: [ServedDeployments, UpstreamClient, RecordAttempt],
          useFactory: (served: ServedDeployments, upstream: UpstreamClient, record: RecordAttempt) =>
            new DispatchEmbeddings(served, upstream, record),
        },
        {
          provide: DispatchServer,
          inject: [
            BUS,
            NAMESPACE,
            ServedDeployments,
            DispatchChat,
            DispatchEmbeddings,
            InFlightRequests,
            UpstreamClient,
            DispatchResponses,
          ],
          useFactory: (
            connection: NatsConnection,
            namespace: BusNamespace,
            served: ServedDeployments,
            chat: DispatchChat,
            embeddings: DispatchEmbeddings,
            inFlight: InFlightRequests,
            upstream: UpstreamClient,
            responses: DispatchResponses,
          ) =>
            new DispatchServer(
              connection,
              namespace,
              served.providers,
              dispatcherId,
              chat,
              embeddings,
              inFlight,
              new ProbeDeployment(served, upstream, dispatcherId),
              {
                dispatch: responses,
                providers: nativeResponsesProviders(served.providers, configuration),
              },
            ),
        },
        DispatcherLifecycle,
      ],
    };
  }
}
