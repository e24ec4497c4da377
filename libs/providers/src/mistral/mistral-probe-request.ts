import { bearerHeaders } from '../shared/http-request';
import type { UpstreamHttpRequest, UpstreamTarget } from '../shared/spec';

/** `GET /models/{model}`: free, checks the key and that the model id exists. */
export function buildMistralProbeRequest(target: UpstreamTarget): UpstreamHttpRequest {
  return {
    method: 'GET',
    url: `${target.apiBase}/models/${encodeURIComponent(target.providerModel)}`,
    headers: bearerHeaders(target.apiKey),
    body: '',
  };
}
