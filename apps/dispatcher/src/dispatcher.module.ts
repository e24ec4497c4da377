import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { type DynamicModule, Module } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import type { Registry } from 'prom-client';
import {
  BusClient,
  BusNamespace,
  connectToBus,
  ensureUsageStreams,
  NatsProviderServer,
  type ProviderServer,
  UsagePublisher,
} from '@switchyard/bus';
import { createRedisConnection } from '@switchyard/cache';
import type { DispatcherEnvironment, GatewayConfiguration } from '@switchyard/config';
import { createMetricsRegistry, DispatcherMetrics, UsagePublisherMetrics } from '@switchyard/telemetry';
import { CooldownTracker } from './cooldown';
import { DispatchChat } from './dispatch-chat';
import { DispatchEmbeddings } from './dispatch-embeddings';
import { DispatchResponses, nativeResponsesProviders } from './dispatch-responses';
import { DispatchServer, type ResponsesService } from './dispatch-server';
import { DispatcherLifecycle } from './dispatcher-lifecycle';
import { InFlightRequests } from './in-flight-requests';
import { ObserveAttempts } from './observe-attempts';
import { ProbeDeployment } from './probe-deployment';
import { RecordAttempt } from './record-attempt';
import { RouterBaselines } from './router-baselines';
import { ServedDeployments } from './served-deployments';
import {
  ATTEMPT_LISTENER,
  BUS_CONNECTION,
  DISPATCHER_ENVIRONMENT,
  DISPATCHER_ID,
  GATEWAY_CONFIGURATION,
  METRICS_REGISTRY,
  PROVIDER_SERVER,
  REDIS,
  RESPONSES_SERVICE,
  SERVED_PROVIDERS,
} from './tokens';
import { UpstreamClient } from './upstream-client';

/** How the dispatcher is reached, chosen at start; by default NATS and a registry of its own. */
export interface DispatcherTransport {
  /** where `dispatch.<provider>.*` requests come from (the one-process mode: `InProcessProviders`). */
  server?: ProviderServer;
  /** its metrics (the one-process mode: one of the registries the ingress' `/metrics` shows). */
  registry?: Registry;
}

/**
 * Wires the dispatcher: what it was started with (values), what it runs on (the bus, Redis, the
 * metrics registry and the usage publisher, built by factories from those tokens), and its own
 * classes, each injected by its class or a token of `./tokens`. `DispatcherLifecycle` is the one
 * provider with lifecycle hooks: it owns the start and the shutdown order.
 */
@Module({})
export class DispatcherModule {
  /** `served` is resolved before the module so a missing key stops the process with a clear message. */
  static forRoot(
    environment: DispatcherEnvironment,
    configuration: GatewayConfiguration,
    served: ServedDeployments,
    transport: DispatcherTransport = {},
  ): DynamicModule {
    return {
      module: DispatcherModule,
      providers: [
        // what the process was started with
        { provide: DISPATCHER_ENVIRONMENT, useValue: environment },
        { provide: GATEWAY_CONFIGURATION, useValue: configuration },
        { provide: ServedDeployments, useValue: served },
        {
          provide: SERVED_PROVIDERS,
          inject: [ServedDeployments],
          useFactory: (deployments: ServedDeployments) => deployments.providers,
        },
        {
          provide: DISPATCHER_ID,
          inject: [DISPATCHER_ENVIRONMENT],
          useFactory: (dispatcher: DispatcherEnvironment) =>
            dispatcher.DISPATCHER_ID ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
        },
        // what it runs on
        {
          provide: METRICS_REGISTRY,
          useFactory: () => transport.registry ?? createMetricsRegistry('dispatcher'),
        },
        {
          provide: DispatcherMetrics,
          inject: [METRICS_REGISTRY],
          useFactory: (registry: Registry) => new DispatcherMetrics(registry),
        },
        {
          provide: BusNamespace,
          inject: [DISPATCHER_ENVIRONMENT],
          useFactory: (dispatcher: DispatcherEnvironment) => new BusNamespace(dispatcher.BUS_NAMESPACE),
        },
        {
          provide: BUS_CONNECTION,
          inject: [DISPATCHER_ENVIRONMENT, ServedDeployments, BusNamespace],
          useFactory: async (
            dispatcher: DispatcherEnvironment,
            deployments: ServedDeployments,
            namespace: BusNamespace,
          ) => {
            const connection = await connectToBus({
              url: dispatcher.NATS_URL,
              name: `dispatcher(${deployments.providers.join(',')})`,
              user: dispatcher.NATS_USER,
              password: dispatcher.NATS_PASSWORD,
            });
            await ensureUsageStreams(await connection.jetstreamManager(), namespace, {
              replicas: dispatcher.USAGE_STREAM_REPLICAS,
              createWithLimits: {
                usageMaxBytes: dispatcher.USAGE_STREAM_MAX_BYTES,
                deadLetterMaxBytes: dispatcher.USAGE_DEAD_LETTER_STREAM_MAX_BYTES,
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
          provide: PROVIDER_SERVER,
          inject: [BUS_CONNECTION, BusNamespace],
          useFactory: (connection: NatsConnection, namespace: BusNamespace): ProviderServer =>
            transport.server ?? new NatsProviderServer(connection, namespace),
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
          useFactory: (dispatcher: DispatcherEnvironment) => createRedisConnection(dispatcher, 'dispatcher'),
        },
        // the dispatcher's own classes
        UpstreamClient,
        CooldownTracker,
        { provide: ATTEMPT_LISTENER, useClass: ObserveAttempts },
        InFlightRequests,
        RouterBaselines,
        RecordAttempt,
        DispatchChat,
        DispatchResponses,
        DispatchEmbeddings,
        ProbeDeployment,
        {
          provide: RESPONSES_SERVICE,
          inject: [DispatchResponses, ServedDeployments, GATEWAY_CONFIGURATION],
          useFactory: (
            dispatch: DispatchResponses,
            deployments: ServedDeployments,
            gateway: GatewayConfiguration,
          ): ResponsesService => ({
            dispatch,
            providers: nativeResponsesProviders(deployments.providers, gateway),
          }),
        },
        DispatchServer,
        DispatcherLifecycle,
      ],
    };
  }
}
