import type { FastifyInstance } from 'fastify';
import type { ApiKeyGuard } from './api-key.guard';

/** Methods that carry no body the gateway reads; their routes are authenticated by their guards. */
const BODILESS_METHODS = new Set(['GET', 'HEAD']);

/**
 * Authenticates every request that carries a body before any of it is read or parsed: no key, a
 * wrong key or a throttled address is answered (401/429, in the surface's envelope, by the
 * exception filters) from the headers alone. Route guards still decide what the caller may do.
 */
export function authenticateBeforeBody(app: FastifyInstance, guard: ApiKeyGuard): void {
  app.addHook('onRequest', async (request) => {
    if (BODILESS_METHODS.has(request.method)) return;
    await guard.authenticate(request);
  });
}
