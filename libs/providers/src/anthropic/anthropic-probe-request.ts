import type { UpstreamHttpRequest, UpstreamTarget } from '../shared/spec';
import { ANTHROPIC_VERSION, anthropicUrl } from './anthropic-chat-request';

/** `GET /v1/models/{model}`: free, checks the key and that the model id exists. */
export function buildAnthropicProbeRequest(target: UpstreamTarget): UpstreamHttpRequest {
  return {
    method: 'GET',
    url: anthropicUrl(target.apiBase, `models/${encodeURIComponent(target.providerModel)}`),
    headers: { 'x-api-key': target.apiKey, 'anthropic-version': ANTHROPIC_VERSION },
    body: '',
  };
}
