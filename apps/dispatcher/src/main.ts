import 'reflect-metadata';
import { startTracing } from '@switchyard/telemetry';
import {
  DispatcherEnvironment,
  loadConfigurationFromEnvironment,
  readEnvironment,
  runService,
} from '@switchyard/config';
import { createDispatcherApp } from './dispatcher-app';

runService('dispatcher', async () => {
  const environment = readEnvironment(DispatcherEnvironment);
  startTracing('dispatcher', environment);
  const configuration = loadConfigurationFromEnvironment(environment);
  const app = await createDispatcherApp(environment, configuration);
  app.enableShutdownHooks();
});
