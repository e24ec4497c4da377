import type { AttemptOutcome } from '@switchyard/contracts';
import { headerValues } from '../http/header-value';
import type { ChatResponseMeta } from './complete-chat';

/**
 * LiteLLM-compatible response headers: which deployment answered, for which name, and (when known
 * before the body is sent) what it cost and how much of the time the gateway itself took. Names
 * come from the request and the config, so every value goes through `headerValue` (a name outside
 * printable ASCII is percent-encoded UTF-8; `writeHead` would throw on it).
 */
export function responseHeaders(meta: ChatResponseMeta): Record<string, string> {
  const headers: Record<string, string> = {
    ...meta.admissionHeaders,
    'x-litellm-call-id': meta.callId,
    'x-litellm-model-id': meta.deployment.id,
    'x-litellm-model-group': meta.modelGroup,
    'x-litellm-model-api-base-provider': meta.deployment.provider.name,
  };
  if (meta.cacheKey) headers['x-litellm-cache-key'] = meta.cacheKey;
  const decision = meta.decision;
  if (decision) {
    headers['x-litellm-complexity-router-tier'] = decision.tier ?? 'none';
    headers['x-litellm-complexity-router-score'] = decision.score === null ? 'none' : String(decision.score);
    headers['x-litellm-complexity-router-cause'] = decision.cause;
    headers['x-litellm-complexity-router-model'] = decision.model;
  }
  return headerValues(headers);
}

export function completedResponseHeaders(
  meta: ChatResponseMeta,
  outcome: AttemptOutcome,
  receivedAt: number,
): Record<string, string> {
  const durationMs = performance.now() - receivedAt;
  return {
    ...responseHeaders(meta),
    'x-litellm-response-cost': outcome.costUsd === null ? 'unknown' : String(outcome.costUsd),
    'x-litellm-response-duration-ms': durationMs.toFixed(3),
    'x-litellm-overhead-duration-ms': Math.max(0, durationMs - outcome.upstreamLatencyMs).toFixed(3),
  };
}
