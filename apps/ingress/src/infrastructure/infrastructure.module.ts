import { type DynamicModule, Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import type { NatsConnection } from 'nats';
import {
  BusClient,
  BusNamespace,
  connectToBus,
  ensureUsageStreams,
  StreamRequester,
  UsagePublisher,
} from '@switchyard/bus';
import { createRedisConnection } from '@switchyard/cache';
import type { GatewayConfiguration, IngressEnvironment } from '@switchyard/config';
import { createMetricsRegistry, IngressMetrics } from '@switchyard/telemetry';
import {
  BUS_CONNECTION,
  GATEWAY_CONFIGURATION,
  INGRESS_ENVIRONMENT,
  METRICS_REGISTRY,
  REDIS,
} from './tokens';

class InfrastructureShutdown implements OnApplicationShutdown {
  constructor(
    @Inject(BUS_CONNECTION) private readonly connection: NatsConnection,
    @Inject(UsagePublisher) private readonly publisher: UsagePublisher,
    @Inject(StreamRequester) private readonly streams: StreamRequester,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    this.redis.disconnect();
    await this.publisher.flush();
    await this.streams.close();
    await this.connection.drain();
  }
}

/** What every ingress feature shares: environment, gateway config, the bus. */
@Global()
@Module({})
export class InfrastructureModule {
  static forRoot(environment: IngressEnvironment, configuration: GatewayConfiguration): DynamicModule {
    const namespace = new BusNamespace(environment.BUS_NAMESPACE);
    const registry = createMetricsRegistry('ingress');
    return {
      module: InfrastructureModule,
      providers: [
        { provide: BusNamespace, useValue: namespace },
        { provide: METRICS_REGISTRY, useValue: registry },
        { provide: IngressMetrics, useValue: new IngressMetrics(registry) },
        { provide: INGRESS_ENVIRONMENT, useValue: environment },
        { provide: GATEWAY_CONFIGURATION, useValue: configuration },
        {
          provide: BUS_CONNECTION,
          useFactory: async () => {
            const connection = await connectToBus({
              url: environment.NATS_URL,
              name: 'ingress',
              user: environment.NATS_USER,
              password: environment.NATS_PASSWORD,
            });
            await ensureUsageStreams(
              await connection.jetstreamManager(),
              namespace,
              environment.USAGE_STREAM_REPLICAS,
            );
            return connection;
          },
        },
        {
          provide: BusClient,
          inject: [BUS_CONNECTION],
          useFactory: (connection: NatsConnection) => new BusClient(connection, namespace),
        },
        {
          provide: StreamRequester,
          inject: [BUS_CONNECTION],
          useFactory: (connection: NatsConnection) => new StreamRequester(connection, namespace),
        },
        {
          provide: UsagePublisher,
          inject: [BUS_CONNECTION],
          useFactory: (connection: NatsConnection) => new UsagePublisher(connection, namespace),
        },
        { provide: REDIS, useFactory: () => createRedisConnection(environment, 'ingress') },
        InfrastructureShutdown,
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
        UsagePublisher,
      ],
    };
  }
}
