import type { FastifyRequest } from 'fastify';
import { isRecord } from '../shared/json-value';
import { MockHttpError } from '../shared/mock-http-error';

export const GEMINI_MISSING_KEY_MESSAGE =
  "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.";

/**
 * The key of a Gemini request, from `x-goog-api-key` or `?key=`. No key is a 403
 * `PERMISSION_DENIED`; an empty one a 400 `INVALID_ARGUMENT` (`API_KEY_INVALID`).
 */
export function geminiKey(request: FastifyRequest): string {
  const header = request.headers['x-goog-api-key'];
  const query = isRecord(request.query) ? request.query.key : undefined;
  const key = typeof header === 'string' ? header : typeof query === 'string' ? query : undefined;
  if (key === undefined) throw new MockHttpError(403, GEMINI_MISSING_KEY_MESSAGE);
  if (key.trim() === '') {
    throw new MockHttpError(400, 'API key not valid. Please pass a valid API key.', {
      body: {
        error: {
          code: 400,
          message: 'API key not valid. Please pass a valid API key.',
          status: 'INVALID_ARGUMENT',
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
              reason: 'API_KEY_INVALID',
              domain: 'googleapis.com',
            },
          ],
        },
      },
    });
  }
  return key;
}
