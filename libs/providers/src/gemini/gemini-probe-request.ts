import type { UpstreamHttpRequest, UpstreamTarget } from '../shared/spec';
import { geminiModelId } from './gemini-chat-request';

/** `GET /v1beta/models/{model}`: free, checks the key and that the model id exists. The key goes in a header, never the URL. */
export function buildGeminiProbeRequest(target: UpstreamTarget): UpstreamHttpRequest {
  const base = /\/v1(beta|alpha)?\d*$/.test(target.apiBase) ? target.apiBase : `${target.apiBase}/v1beta`;
  return {
    method: 'GET',
    url: `${base}/models/${encodeURIComponent(geminiModelId(target.providerModel))}`,
    headers: { 'x-goog-api-key': target.apiKey },
    body: '',
  };
}
