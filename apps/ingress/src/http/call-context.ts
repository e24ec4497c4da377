import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Endpoint } from '@switchyard/contracts';
import type { ChatCallContext } from './chat-context';
import { callObservation } from './call-observation';
import { requestContext } from './request-context';
import { withHeaderTags } from './request-tags';

/** The call context of an authenticated request. */
export function callContextOf(
  request: FastifyRequest,
  endpoint: Endpoint,
  user: string | null,
  metadata: Record<string, unknown> | null,
): ChatCallContext {
  const context = requestContext(request);
  const session = request.headers['x-session-id'] ?? request.headers['x-session-affinity'];
  return {
    callId: context.callId,
    receivedAt: context.receivedAt,
    bodyBytes: context.bodyBytes,
    caller: context.caller ?? { kind: 'master' },
    endpoint,
    sessionId: typeof session === 'string' && session.length > 0 ? session.slice(0, 200) : null,
    user,
    metadata: withHeaderTags(metadata, request.headers['x-litellm-tags']),
    cacheControl:
      typeof request.headers['cache-control'] === 'string' ? request.headers['cache-control'] : null,
    observation: Object.assign(callObservation(request), { endpoint }),
  };
}

/** Aborts when the client goes away before the response is complete. */
export function clientGone(reply: FastifyReply): AbortSignal {
  const abort = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) abort.abort();
  });
  return abort.signal;
}
