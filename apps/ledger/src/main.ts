import 'reflect-metadata';
import { LedgerEnvironment, readEnvironment, runService } from '@switchyard/config';
import { startTracing } from '@switchyard/telemetry';
import { createLedgerApp } from './ledger-app';

/**
 * The ledger: ingests usage events from JetStream, and answers `keys.*` and `spend.*` requests as
 * a Nest microservice on the namespaced bus (queue group `ledger`, so replicas share them).
 */
runService('ledger', async () => {
  const environment = readEnvironment(LedgerEnvironment);
  startTracing('ledger', environment);
  const app = await createLedgerApp(environment);
  app.enableShutdownHooks();
  await app.listen();
});
