import fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { AddressInfo } from 'node:net';
import { anthropicErrors } from './anthropic/anthropic-error';
import { registerAnthropicRoutes } from './anthropic/anthropic-routes';
import { registerControlRoutes } from './control/control-routes';
import { DEFAULT_EMBEDDING_DIMENSIONS } from './shared/embedding-vector';
import { FaultRuleBook } from './shared/faults';
import { geminiErrors } from './gemini/gemini-error';
import { registerGeminiRoutes } from './gemini/gemini-routes';
import type { MockContext } from './shared/mock-context';
import { MockHttpError } from './shared/mock-http-error';
import { openAiErrors } from './openai/openai-error';
import { registerOpenAiRoutes } from './openai-compatible-routes';
import type { ProviderErrors } from './shared/provider-exchange';
import { RequestLog } from './shared/request-log';

export interface MockProviderOptions {
  /** default 127.0.0.1. */
  host?: string;
  /** default 0 (any free port). */
  port?: number;
  /** delay before the first byte of every provider response (MOCK_LATENCY_MS). */
  latencyMs?: number;
  /** delay between stream events (MOCK_CHUNK_DELAY_MS). */
  chunkDelayMs?: number;
  /** pieces a streamed reply is cut into (MOCK_STREAM_CHUNKS, default 8). */
  streamChunks?: number;
  /** requests kept by the log (MOCK_REQUEST_LOG_SIZE, default 1000). */
  requestLogSize?: number;
  /** embedding dimensions when a request names none (MOCK_EMBEDDING_DIMENSIONS, default 8). */
  embeddingDimensions?: number;
}

export interface MockProvider {
  /** base URL of every provider, e.g. `http://127.0.0.1:4010`. */
  url: string;
  app: FastifyInstance;
  close(): Promise<void>;
}

const BODY_LIMIT = 64 * 1024 * 1024;
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** The error envelope of the provider a path belongs to, for errors raised before a route runs. */
function errorsForPath(url: string): ProviderErrors {
  if (url.startsWith('/v1/messages')) return anthropicErrors;
  if (url.startsWith('/v1beta/') || (url.includes('/models/') && url.includes(':'))) return geminiErrors;
  return openAiErrors;
}

function parseJson(
  _request: FastifyRequest,
  body: string,
  done: (error: Error | null, value?: unknown) => void,
): void {
  if (body === '') {
    done(null, undefined);
    return;
  }
  try {
    done(null, JSON.parse(body));
  } catch {
    done(new MockHttpError(400, 'We could not parse the JSON body of your request.'));
  }
}

/** Builds the mock's Fastify app (not listening). */
export function buildMockApp(context: MockContext): FastifyInstance {
  const app = fastify({
    logger: false,
    bodyLimit: BODY_LIMIT,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    forceCloseConnections: true,
    return503OnClosing: false,
  });
  // plain JSON.parse (no prototype-poisoning scan: the mock only reads its input) for any content type
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: BODY_LIMIT }, parseJson);

  app.setErrorHandler((error: FastifyError | MockHttpError, request: FastifyRequest, reply: FastifyReply) => {
    const status = error instanceof MockHttpError ? error.status : (error.statusCode ?? 500);
    const mockError = error instanceof MockHttpError ? error : new MockHttpError(status, error.message);
    const requestId =
      typeof request.headers['x-request-id'] === 'string' ? request.headers['x-request-id'] : 'req_mock';
    return reply.code(status).send(errorsForPath(request.url).errorBody(mockError, requestId));
  });
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) =>
    reply.code(404).send(
      errorsForPath(request.url).errorBody(
        new MockHttpError(404, `Unknown request URL: ${request.method} ${request.url.split('?')[0]}.`, {
          code: 'unknown_url',
        }),
        'req_mock',
      ),
    ),
  );

  registerControlRoutes(app, context);
  registerOpenAiRoutes(app, context);
  registerAnthropicRoutes(app, context);
  registerGeminiRoutes(app, context);
  return app;
}

/** Starts a mock provider; tests start it in-process on port 0 and `close()` it after. */
export async function createMockProvider(options: MockProviderOptions = {}): Promise<MockProvider> {
  const shutdown = new AbortController();
  const context: MockContext = {
    log: new RequestLog(options.requestLogSize ?? 1000),
    faults: new FaultRuleBook(),
    defaults: {
      latencyMs: options.latencyMs ?? 0,
      chunkDelayMs: options.chunkDelayMs ?? 0,
      streamChunks: options.streamChunks ?? 8,
    },
    embeddingDimensions: options.embeddingDimensions ?? DEFAULT_EMBEDDING_DIMENSIONS,
    shutdown: shutdown.signal,
  };
  const app = buildMockApp(context);
  const host = options.host ?? '127.0.0.1';
  await app.listen({ host, port: options.port ?? 0 });
  const address = app.server.address() as AddressInfo;
  const publicHost =
    host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${publicHost}:${address.port}`,
    app,
    close: async () => {
      shutdown.abort();
      await app.close();
    },
  };
}
