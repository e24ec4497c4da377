import { MockProviderEnvironment, readEnvironment } from '@switchyard/config';
import { createMockProvider } from './mock-provider';

/** Starts the mock provider from the environment (see MockProviderEnvironment). */
async function main(): Promise<void> {
  const environment = readEnvironment(MockProviderEnvironment);
  const provider = await createMockProvider({
    host: environment.HOST,
    port: environment.PORT,
    latencyMs: environment.MOCK_LATENCY_MS,
    chunkDelayMs: environment.MOCK_CHUNK_DELAY_MS,
    streamChunks: environment.MOCK_STREAM_CHUNKS,
    requestLogSize: environment.MOCK_REQUEST_LOG_SIZE,
    embeddingDimensions: environment.MOCK_EMBEDDING_DIMENSIONS,
  });
  if (environment.LOG_LEVEL !== 'silent')
    process.stdout.write(`mock-provider listening on ${provider.url}\n`);
  const stop = (): void => {
    provider.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`mock-provider: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`mock-provider: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
