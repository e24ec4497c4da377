import { bearerHeaders } from '../shared/http-request';
import type { UpstreamHttpRequest, UpstreamTarget } from '../shared/spec';

/**
 * How to check an OpenAI-wire deployment without a billed call. `retrieve`: `GET /models/{model}`,
 * which also proves the model id exists (OpenAI). `list`: `GET /models`, for custom
 * OpenAI-compatible providers, where retrieving one model by id is not universally supported.
 */
export type OpenAIProbeMode = 'retrieve' | 'list';

export function buildOpenAIProbeRequest(
  target: UpstreamTarget,
  mode: OpenAIProbeMode = 'retrieve',
): UpstreamHttpRequest {
  const url =
    mode === 'retrieve'
      ? `${target.apiBase}/models/${encodeURIComponent(target.providerModel)}`
      : `${target.apiBase}/models`;
  return { method: 'GET', url, headers: bearerHeaders(target.apiKey), body: '' };
}
