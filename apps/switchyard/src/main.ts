import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { runService } from '@switchyard/config';
import { startOneProcess } from './one-process';

/**
 * `npm start` / `switchyard`: the whole gateway as one Node process (docs/one-process.md). One
 * signal handler stops the modules in order; a second signal exits at once.
 */
runService('switchyard', async () => {
  const gateway = await startOneProcess();
  const logger = new Logger('Switchyard');
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.log(`${signal}: stopping`);
    gateway.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error(`stopping failed: ${(error as Error).stack ?? String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
});
