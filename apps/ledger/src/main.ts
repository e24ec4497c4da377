import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import type { NatsConnection } from 'nats';
import { BusNamespace, NamespacedNatsServer } from '@switchyard/bus';
import { LedgerEnvironment, readEnvironment, runService } from '@switchyard/config';
import { QueueGroups } from '@switchyard/contracts';
import { startTracing } from '@switchyard/telemetry';
import { LedgerModule } from './ledger.module';

/**
 * The ledger: ingests usage events from JetStream, and answers `keys.*` and `spend.*` requests as
 * a Nest microservice on the namespaced bus (queue group `ledger`, so replicas share them).
 */
runService('ledger', async () => {
  const environment = readEnvironment(LedgerEnvironment);
  startTracing('ledger', environment);
  const strategy = new NamespacedNatsServer(
    {
      servers: environment.NATS_URL.split(','),
      name: 'ledger',
      user: environment.NATS_USER,
      pass: environment.NATS_PASSWORD,
      queue: QueueGroups.ledger,
    },
    new BusNamespace(environment.BUS_NAMESPACE),
  );
  const listening = () => {
    try {
      return !strategy.unwrap<NatsConnection>().isClosed();
    } catch {
      return false; // not connected yet
    }
  };
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(
    LedgerModule.forRoot(environment, { listening }),
    {
      abortOnError: false,
      logger: environment.LOG_LEVEL === 'silent' ? false : ['log', 'warn', 'error', 'fatal'],
      strategy,
    },
  );
  app.enableShutdownHooks();
  await app.listen();
});
