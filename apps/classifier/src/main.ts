import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { BusNamespace, NamespacedNatsServer } from '@switchyard/bus';
import {
  ClassifierEnvironment,
  loadConfigurationFromEnvironment,
  readEnvironment,
  runService,
} from '@switchyard/config';
import { QueueGroups } from '@switchyard/contracts';
import { ClassifierModule } from './classifier.module';
import {
  ClassifierMetrics,
  createMetricsRegistry,
  startTracing,
  startWorkerHttpServer,
} from '@switchyard/telemetry';
import type { NatsConnection } from 'nats';

runService('classifier', async () => {
  const environment = readEnvironment(ClassifierEnvironment);
  startTracing('classifier', environment);
  const configuration = loadConfigurationFromEnvironment(environment);
  const registry = createMetricsRegistry('classifier');
  const decideRoute = ClassifierModule.compile(configuration, new ClassifierMetrics(registry));
  const strategy = new NamespacedNatsServer(
    {
      servers: environment.NATS_URL.split(','),
      name: 'classifier',
      user: environment.NATS_USER,
      pass: environment.NATS_PASSWORD,
      queue: QueueGroups.classifier,
    },
    new BusNamespace(environment.BUS_NAMESPACE),
  );
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(
    ClassifierModule.forRoot(decideRoute),
    {
      abortOnError: false,
      logger: environment.LOG_LEVEL === 'silent' ? false : ['log', 'warn', 'error', 'fatal'],
      strategy,
    },
  );
  app.enableShutdownHooks();
  await app.listen();
  const http = await startWorkerHttpServer(environment.METRICS_PORT, registry, [
    { name: 'nats', check: () => strategy.unwrap<NatsConnection>().isClosed() === false },
  ]);
  process.once('SIGTERM', () => http?.close());
});
