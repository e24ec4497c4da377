import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isRecord } from '../shared/json-value';
import type { MockContext } from '../shared/mock-context';
import { MockHttpError } from '../shared/mock-http-error';
import { serializeEntry, type RequestLogFilter } from '../shared/request-log';

function integerParameter(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed >= 0 ? parsed : undefined;
}

function logFilter(query: unknown): RequestLogFilter {
  if (!isRecord(query)) return {};
  return {
    since: integerParameter(query.since),
    limit: integerParameter(query.limit),
    format: typeof query.format === 'string' ? query.format : undefined,
    model: typeof query.model === 'string' ? query.model : undefined,
  };
}

/**
 * The control API tests use (never a provider path):
 * - `GET /__mock/health`
 * - `GET /__mock/requests?since=<id>&limit=<n>&format=<f>&model=<m>` → `{ requests: [...] }`, oldest first
 * - `POST /__mock/reset` → clears the request log and the fault rules
 * - `GET /__mock/faults` → `{ rules }`; `POST /__mock/faults[?append=true]` with `[rule…]` or
 *   `{ rules: [rule…] }` replaces (or extends) the rules; `DELETE /__mock/faults` clears them
 */
export function registerControlRoutes(app: FastifyInstance, context: MockContext): void {
  const startedAt = Date.now();

  app.get('/__mock/health', async () => ({ status: 'ok', uptimeMs: Date.now() - startedAt }));

  app.get('/__mock/requests', async (request: FastifyRequest) => ({
    requests: context.log.list(logFilter(request.query)).map(serializeEntry),
  }));

  app.post('/__mock/reset', async () => {
    context.log.clear();
    context.faults.clear();
    return { ok: true };
  });

  app.get('/__mock/faults', async () => ({ rules: context.faults.list() }));

  app.post('/__mock/faults', async (request: FastifyRequest, reply: FastifyReply) => {
    const append = isRecord(request.query) && request.query.append === 'true';
    try {
      if (append) context.faults.add(request.body);
      else context.faults.replace(request.body);
    } catch (error) {
      if (error instanceof MockHttpError) return reply.code(error.status).send({ error: error.message });
      throw error;
    }
    return { rules: context.faults.list() };
  });

  app.delete('/__mock/faults', async () => {
    context.faults.clear();
    return { rules: [] };
  });
}
