import type { UpstreamHttpRequest } from './spec';

/** A JSON POST; the key goes only into `headers`. */
export function jsonPost(url: string, headers: Record<string, string>, body: unknown): UpstreamHttpRequest {
  return {
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

/** `Authorization: Bearer` when there is a key (local OpenAI-compatible servers may have none). */
export function bearerHeaders(apiKey: string): Record<string, string> {
  return apiKey === '' ? {} : { authorization: `Bearer ${apiKey}` };
}
