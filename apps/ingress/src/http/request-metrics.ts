import type { FastifyInstance } from 'fastify';
import type { Endpoint } from '@switchyard/contracts';
import { context, type IngressMetrics, SpanKind, SpanStatusCode, trace, tracer } from '@switchyard/telemetry';
import { callObservation } from './call-observation';
import { requestContext } from './request-context';

const MODEL_ROUTES: readonly [RegExp, Endpoint][] = [
  [/^\/(v1\/)?chat\/completions\/?$/, 'chat'],
  [/^\/(v1\/)?messages\/?$/, 'messages'],
  [/^\/(v1\/)?embeddings\/?$/, 'embeddings'],
  [/^\/v1(beta)?\/models\/.+:(generateContent|streamGenerateContent)$/, 'gemini'],
];

function endpointOf(url: string): Endpoint | null {
  const path = url.split('?')[0];
  for (const [pattern, endpoint] of MODEL_ROUTES) if (pattern.test(path)) return endpoint;
  return null;
}

/** The server span's name: the route, never the URL (a Gemini `?key=` stays out of traces). */
function spanNameOf(endpoint: Endpoint): string {
  if (endpoint === 'chat') return 'POST /v1/chat/completions';
  if (endpoint === 'gemini') return 'POST /v1beta/models/{model}:generateContent';
  return `POST /v1/${endpoint}`;
}

/**
 * Observes every model call when its response ends (JSON or SSE, success or not): the request
 * counter with its labels, duration, gateway overhead and calls in flight; and opens the call's
 * server span, active for everything the call does (its context travels on the bus).
 */
export function registerRequestMetrics(app: FastifyInstance, metrics: IngressMetrics): void {
  app.addHook('onRequest', (request, reply, done) => {
    const endpoint = request.method === 'POST' ? endpointOf(request.url) : null;
    if (endpoint === null) return done();
    const callContext = requestContext(request);
    const observation = callObservation(request);
    observation.endpoint = endpoint;
    metrics.inFlight.inc({ endpoint });
    const span = tracer.startSpan(spanNameOf(endpoint), {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': 'POST', 'switchyard.call_id': callContext.callId },
    });
    reply.raw.once('close', () => {
      const status = reply.raw.statusCode;
      span.setAttributes({
        'http.response.status_code': status,
        'gen_ai.request.model': observation.modelGroup,
        'gen_ai.response.model': observation.model,
        'gen_ai.system': observation.provider,
        'switchyard.router.tier': observation.tier,
      });
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      metrics.inFlight.dec({ endpoint });
      const seconds = (performance.now() - callContext.receivedAt) / 1000;
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
    context.with(trace.setSpan(context.active(), span), done);
  });
}
