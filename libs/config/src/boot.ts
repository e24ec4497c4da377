import { Logger } from '@nestjs/common';
import { ConfigError } from './config-error';
import { processEnvironment } from './environment';
import type { GatewayConfiguration } from './gateway-configuration';
import { loadGatewayConfig } from './load-gateway-config';

/** Loads `GATEWAY_CONFIG` (and `GATEWAY_PROVIDERS`) against the process environment. */
export function loadConfigurationFromEnvironment(environment: {
  GATEWAY_CONFIG: string;
  GATEWAY_PROVIDERS?: string;
}): GatewayConfiguration {
  return loadGatewayConfig({
    configPath: environment.GATEWAY_CONFIG,
    providersPath: environment.GATEWAY_PROVIDERS,
    environment: processEnvironment(),
  });
}

/**
 * Runs a service's start function; a configuration problem stops the process with exit code 1
 * and a message naming every bad setting, instead of a stack trace.
 */
export function runService(name: string, start: () => Promise<void>): void {
  const logger = new Logger(name);
  start().catch((error: unknown) => {
    if (error instanceof ConfigError) {
      logger.error(`cannot start: invalid configuration\n${error.message}`);
    } else {
      logger.error(
        `cannot start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
    }
    process.exit(1);
  });
}
