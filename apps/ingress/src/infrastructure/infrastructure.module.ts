import { Module } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import type { Registry } from 'prom-client';
import {
  BusClient,
  BusNamespace,
  connectToBus,
  ensureUsageStreams,
  InProcessBusClient,
  NatsProviderRequester,
  StreamRequester,
  UsagePublisher,
} from '@switchyard/bus';
import { createRedisConnection } from '@switchyard/cache';
import type { GatewayConfiguration, IngressEnvironment } from '@switchyard/config';
import { createMetricsRegistry, IngressMetrics, UsagePublisherMetrics } from '@switchyard/telemetry';
import {
  BUS_CONNECTION,
  GATEWAY_CONFIGURATION,
  INGRESS_ENVIRONMENT,
  METRICS_REGISTRY,
  METRICS_SOURCES,
  PROVIDER_REQUESTER,
  REDIS,
} from './tokens';
import type { IngressTransport } from './ingress-transport';

/** what the process was started with, set by `IngressModule.forRoot` before Nest builds any module. */
let startedWith: {
  environment: IngressEnvironment;
  configuration: GatewayConfiguration;
  transport: IngressTransport;
} | null = null;

function started(): NonNullable<typeof startedWith> {
  if (!startedWith)
    throw new Error('InfrastructureModule.configure() was not called before the app was created');
  return startedWith;
}

/**
 * What the ingress runs on: its environment, the gateway configuration, the bus, Redis and the
 * metrics registry. Not global: each feature module imports it when it uses one of these.
 */
@Module({
  providers: [
    { provide: INGRESS_ENVIRONMENT, useFactory: () => started().environment },
    { provide: GATEWAY_CONFIGURATION, useFactory: () => started().configuration },
    {
      provide: BusNamespace,
      inject: [INGRESS_ENVIRONMENT],
      useFactory: (environment: IngressEnvironment) => new BusNamespace(environment.BUS_NAMESPACE),
    },
    { provide: METRICS_REGISTRY, useFactory: () => createMetricsRegistry('ingress') },
    {
      provide: IngressMetrics,
      inject: [METRICS_REGISTRY],
      useFactory: (registry: Registry) => new IngressMetrics(registry),
    },
    {
      provide: BUS_CONNECTION,
      inject: [INGRESS_ENVIRONMENT, BusNamespace],
      useFactory: async (environment: IngressEnvironment, namespace: BusNamespace) => {
        const connection = await connectToBus({
          url: environment.NATS_URL,
          name: 'ingress',
          user: environment.NATS_USER,
          password: environment.NATS_PASSWORD,
        });
        await ensureUsageStreams(await connection.jetstreamManager(), namespace, {
          replicas: environment.USAGE_STREAM_REPLICAS,
          createWithLimits: {
            usageMaxBytes: environment.USAGE_STREAM_MAX_BYTES,
            deadLetterMaxBytes: environment.USAGE_DEAD_LETTER_STREAM_MAX_BYTES,
          },
        });
        return connection;
      },
    },
    {
      provide: METRICS_SOURCES,
      inject: [METRICS_REGISTRY],
      useFactory: (registry: Registry) => [registry, ...(started().transport.metricsRegistries ?? [])],
    },
    {
      provide: BusClient,
      inject: [BUS_CONNECTION, BusNamespace],
      useFactory: (connection: NatsConnection, namespace: BusNamespace) => {
        const { rpc } = started().transport;
        return rpc
          ? new InProcessBusClient(connection, namespace, rpc)
          : new BusClient(connection, namespace);
      },
    },
    {
      provide: PROVIDER_REQUESTER,
      inject: [BUS_CONNECTION, BusNamespace, StreamRequester],
      useFactory: (connection: NatsConnection, namespace: BusNamespace, streams: StreamRequester) => {
        const overNats = new NatsProviderRequester(connection, namespace, streams);
        const { providers } = started().transport;
        return providers ? providers.requester(overNats) : overNats;
      },
    },
    {
      provide: StreamRequester,
      inject: [BUS_CONNECTION, BusNamespace],
      useFactory: (connection: NatsConnection, namespace: BusNamespace) =>
        new StreamRequester(connection, namespace),
    },
    {
      provide: UsagePublisher,
      inject: [BUS_CONNECTION, BusNamespace, METRICS_REGISTRY],
      useFactory: (connection: NatsConnection, namespace: BusNamespace, registry: Registry) => {
        const metrics = new UsagePublisherMetrics(registry);
        return metrics.watch(new UsagePublisher(connection, namespace, metrics.hooks));
      },
    },
    {
      provide: REDIS,
      inject: [INGRESS_ENVIRONMENT],
      useFactory: (environment: IngressEnvironment) => createRedisConnection(environment, 'ingress'),
    },
  ],
  exports: [
    REDIS,
    METRICS_REGISTRY,
    IngressMetrics,
    BusNamespace,
    INGRESS_ENVIRONMENT,
    GATEWAY_CONFIGURATION,
    BUS_CONNECTION,
    BusClient,
    StreamRequester,
    PROVIDER_REQUESTER,
    METRICS_SOURCES,
    UsagePublisher,
  ],
})
export class InfrastructureModule {
  /**
   * the environment, configuration and transport every provider here is built from; call before
   * creating the app. One ingress per process: the one-process mode starts exactly one too.
   */
  static configure(
    environment: IngressEnvironment,
    configuration: GatewayConfiguration,
    transport: IngressTransport = {},
  ): void {
    startedWith = { environment, configuration, transport };
  }
}
