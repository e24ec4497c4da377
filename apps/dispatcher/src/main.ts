import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { startTracing } from '@switchyard/telemetry';
import {
  DispatcherEnvironment,
  loadConfigurationFromEnvironment,
  readEnvironment,
  runService,
} from '@switchyard/config';
import { DispatcherModule } from './dispatcher.module';
import { ServedDeployments } from './served-deployments';

runService('dispatcher', async () => {
  const environment = readEnvironment(DispatcherEnvironment);
  startTracing('dispatcher', environment);
  const configuration = loadConfigurationFromEnvironment(environment);
  const served = new ServedDeployments(
    ServedDeployments.parseProviders(environment.PROVIDERS, configuration),
    configuration,
  );
  const app = await NestFactory.createApplicationContext(
    DispatcherModule.forRoot(environment, configuration, served),
    {
      abortOnError: false,
      logger: environment.LOG_LEVEL === 'silent' ? false : ['log', 'warn', 'error', 'fatal'],
    },
  );
  app.enableShutdownHooks();
});
