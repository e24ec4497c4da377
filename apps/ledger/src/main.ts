import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { startTracing } from '@switchyard/telemetry';
import { LedgerEnvironment, readEnvironment, runService } from '@switchyard/config';
import { LedgerModule } from './ledger.module';

runService('ledger', async () => {
  const environment = readEnvironment(LedgerEnvironment);
  startTracing('ledger', environment);
  const app = await NestFactory.createApplicationContext(LedgerModule.forRoot(environment), {
    abortOnError: false,
    logger: environment.LOG_LEVEL === 'silent' ? false : ['log', 'warn', 'error', 'fatal'],
  });
  app.enableShutdownHooks();
});
