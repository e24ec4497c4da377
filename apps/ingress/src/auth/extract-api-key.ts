import type { FastifyRequest } from 'fastify';
import { isGeminiRoute } from '../http/gemini-route';

/**
 * The key a client sent: `Authorization: Bearer <key>` (OpenAI), `x-api-key: <key>` (Anthropic),
 * `x-goog-api-key: <key>` (Google), or, on the Gemini routes only, Google's `?key=<key>`.
 */
export function extractApiKey(request: FastifyRequest): string | null {
  const authorization = request.headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (match) return match[1].trim();
  }
  const apiKey = request.headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey.trim() !== '') return apiKey.trim();
  const googleKey = request.headers['x-goog-api-key'];
  if (typeof googleKey === 'string' && googleKey.trim() !== '') return googleKey.trim();
  if (isGeminiRoute(request.url)) {
    const queryKey = new URLSearchParams(request.url.split('?')[1] ?? '').get('key');
    if (queryKey !== null && queryKey.trim() !== '') return queryKey.trim();
  }
  return null;
}
