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
import { BusNamespace, connectToBus, ensureUsageStreams, UsagePublisher } from '@switchyard/bus';
import type { DispatcherEnvironment } from '@switchyard/config';
import { createMetricsRegistry, startWorkerHttpServer } from '@switchyard/telemetry';
import { DispatchChat } from './dispatch-chat';
import { DispatchEmbeddings } from './dispatch-embeddings';
import { DispatchServer } from './dispatch-server';
import { InFlightRequests } from './in-flight-requests';
import { RecordAttempt } from './record-attempt';
import { ServedDeployments } from './served-deployments';
import { UpstreamClient } from './upstream-client';

const ENVIRONMENT = Symbol('DispatcherEnvironment');
const BUS = Symbol('NatsConnection');
const NAMESPACE = Symbol('BusNamespace');

const SHUTDOWN_GRACE_MS = 30_000;

class DispatcherLifecycle implements OnModuleInit, OnApplicationShutdown {
  private http: Server | null = null;

  constructor(
    @Inject(ENVIRONMENT) private readonly environment: DispatcherEnvironment,
    @Inject(BUS) private readonly connection: NatsConnection,
    @Inject(DispatchServer) private readonly server: DispatchServer,
    @Inject(UsagePublisher) private readonly publisher: UsagePublisher,
    @Inject(UpstreamClient) private readonly upstream: UpstreamClient,
    @Inject(InFlightRequests) private readonly inFlight: InFlightRequests,
  ) {}

  async onModuleInit(): Promise<void> {
    this.server.start();
    this.http = await startWorkerHttpServer(
      this.environment.METRICS_PORT,
      createMetricsRegistry('dispatcher'),
      [{ name: 'nats', check: () => !this.connection.isClosed() }],
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.http?.close();
    await this.server.stop(SHUTDOWN_GRACE_MS);
    this.inFlight.stop();
    await this.publisher.flush();
    await this.upstream.close();
    await this.connection.drain();
  }
}

/** Wires the dispatcher: bus connection, served deployments, upstream client, use cases, bus edge. */
@Module({})
export class DispatcherModule {
  /** `served` is resolved before the module so a missing key stops the process with a clear message. */
  static forRoot(environment: DispatcherEnvironment, served: ServedDeployments): DynamicModule {
    return {
      module: DispatcherModule,
      providers: [
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
            await ensureUsageStreams(await connection.jetstreamManager(), namespace);
            return connection;
          },
        },
        {
          provide: UsagePublisher,
          inject: [BUS, NAMESPACE],
          useFactory: (connection: NatsConnection, namespace: BusNamespace) =>
            new UsagePublisher(connection, namespace),
        },
        { provide: UpstreamClient, useFactory: () => new UpstreamClient() },
        { provide: InFlightRequests, useFactory: () => new InFlightRequests() },
        {
          provide: RecordAttempt,
          inject: [UsagePublisher],
          useFactory: (publisher: UsagePublisher) => new RecordAttempt(publisher),
        },
        {
          provide: DispatchChat,
          inject: [ServedDeployments, UpstreamClient, RecordAttempt],
          useFactory: (served: ServedDeployments, upstream: UpstreamClient, record: RecordAttempt) =>
            new DispatchChat(served, upstream, record),
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
            ENVIRONMENT,
            ServedDeployments,
            DispatchChat,
            DispatchEmbeddings,
            InFlightRequests,
          ],
          useFactory: (
            connection: NatsConnection,
            namespace: BusNamespace,
            env: DispatcherEnvironment,
            served: ServedDeployments,
            chat: DispatchChat,
            embeddings: DispatchEmbeddings,
            inFlight: InFlightRequests,
          ) =>
            new DispatchServer(
              connection,
              namespace,
              served.providers,
              env.DISPATCHER_ID ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
              chat,
              embeddings,
              inFlight,
            ),
        },
        DispatcherLifecycle,
      ],
    };
  }
}
