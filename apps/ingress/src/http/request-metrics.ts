import type { FastifyInstance } from 'fastify';
import type { Endpoint } from '@switchyard/contracts';
import type { IngressMetrics } from '@switchyard/telemetry';
import { callObservation } from './call-observation';
import { requestContext } from './request-context';

const MODEL_ROUTES: readonly [RegExp, Endpoint][] = [
  [/^\/(v1\/)?chat\/completions\/?$/, 'chat'],
  [/^\/(v1\/)?messages\/?$/, 'messages'],
  [/^\/(v1\/)?embeddings\/?$/, 'embeddings'],
];

function endpointOf(url: string): Endpoint | null {
  const path = url.split('?')[0];
  for (const [pattern, endpoint] of MODEL_ROUTES) if (pattern.test(path)) return endpoint;
  return null;
}

/**
 * Observes every model call when its response ends (JSON or SSE, success or not): the request
 * counter with its labels, duration, gateway overhead and calls in flight.
 */
export function registerRequestMetrics(app: FastifyInstance, metrics: IngressMetrics): void {
  app.addHook('onRequest', (request, reply, done) => {
    const endpoint = request.method === 'POST' ? endpointOf(request.url) : null;
    if (endpoint === null) return done();
    const context = requestContext(request);
    const observation = callObservation(request);
    observation.endpoint = endpoint;
    metrics.inFlight.inc({ endpoint });
    reply.raw.once('close', () => {
      metrics.inFlight.dec({ endpoint });
      const seconds = (performance.now() - context.receivedAt) / 1000;
      const stream = String(observation.stream);
      metrics.requests.inc({
        endpoint,
        model_group: observation.modelGroup,
        model: observation.model,
        provider: observation.provider,
        tier: observation.tier,
        status: String(reply.raw.statusCode),
      });
      metrics.requestDuration.observe({ endpoint, stream }, seconds);
      if (observation.upstreamMs !== null) {
        metrics.overhead.observe({ endpoint, stream }, Math.max(0, seconds - observation.upstreamMs / 1000));
      }
    });
    done();
  });
}
