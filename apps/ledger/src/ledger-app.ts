import { NestFactory } from '@nestjs/core';
import type { INestMicroservice } from '@nestjs/common';
import type { MicroserviceOptions } from '@nestjs/microservices';
import type { NatsConnection } from 'nats';
import type { Registry } from 'prom-client';
import { BusNamespace, NamespacedNatsServer } from '@switchyard/bus';
import type { LedgerEnvironment } from '@switchyard/config';
import { QueueGroups } from '@switchyard/contracts';
import { LedgerModule } from './ledger.module';

/**
 * The ledger as a Nest microservice, ready to `listen`: usage events from JetStream, and the
 * `keys.*`, `org.admin.v1` and `spend.*` requests on the namespaced bus (queue group `ledger`).
 * Started by its own `main.ts` (the fleet) and by `apps/switchyard` (the one-process mode, where
 * it is still reached over NATS: usage through JetStream exactly as in the fleet).
 */
export function createLedgerApp(
  environment: LedgerEnvironment,
  registry?: Registry,
): Promise<INestMicroservice> {
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
  return NestFactory.createMicroservice<MicroserviceOptions>(
    LedgerModule.forRoot(environment, { listening }, registry),
    {
      abortOnError: false,
      logger: environment.LOG_LEVEL === 'silent' ? false : ['log', 'warn', 'error', 'fatal'],
      strategy,
    },
  );
}
