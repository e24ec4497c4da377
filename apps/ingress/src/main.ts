import 'reflect-metadata';
import {
  IngressEnvironment,
  loadConfigurationFromEnvironment,
  readEnvironment,
  runService,
} from '@switchyard/config';
import { startTracing } from '@switchyard/telemetry';
import { createIngressApp } from './ingress-app';

runService('ingress', async () => {
  const environment = readEnvironment(IngressEnvironment);
  startTracing('ingress', environment);
  const configuration = loadConfigurationFromEnvironment(environment);
  const app = await createIngressApp(environment, configuration);
  app.enableShutdownHooks();
  await app.listen(environment.PORT, environment.HOST);
});
