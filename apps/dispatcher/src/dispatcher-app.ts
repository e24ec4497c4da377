import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { DispatcherEnvironment, GatewayConfiguration } from '@switchyard/config';
import { DispatcherModule, type DispatcherTransport } from './dispatcher.module';
import { ServedDeployments } from './served-deployments';

/**
 * A dispatcher of the providers in `PROVIDERS` (`all`: every provider the config uses), started:
 * it serves `dispatch.<provider>.*` on the transport given (NATS by default; `InProcessProviders`
 * in the one-process mode). Used by its own `main.ts` (the fleet) and by `apps/switchyard`.
 */
export function createDispatcherApp(
  environment: DispatcherEnvironment,
  configuration: GatewayConfiguration,
  transport: DispatcherTransport = {},
): Promise<INestApplicationContext> {
  // resolved before the module so a missing key stops the process with a clear message
  const served = new ServedDeployments(
    ServedDeployments.parseProviders(environment.PROVIDERS, configuration),
    configuration,
  );
  return NestFactory.createApplicationContext(
    DispatcherModule.forRoot(environment, configuration, served, transport),
    {
      abortOnError: false,
      logger: environment.LOG_LEVEL === 'silent' ? false : ['log', 'warn', 'error', 'fatal'],
    },
  );
}
