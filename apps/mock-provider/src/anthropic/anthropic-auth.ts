import type { FastifyRequest } from 'fastify';
import { MockHttpError } from '../shared/mock-http-error';
import { bearerKey } from '../shared/bearer-key';

/**
 * The key of an Anthropic request: `x-api-key`, or `Authorization: Bearer` (how the current
 * @anthropic-ai/sdk sends an API key). No key is a 401; a missing `anthropic-version` a 400.
 */
export function anthropicKey(request: FastifyRequest): string {
  const header = request.headers['x-api-key'];
  const key = typeof header === 'string' && header.trim() !== '' ? header : bearerKey(request);
  if (key === null) throw new MockHttpError(401, 'x-api-key header is required');
  if (typeof request.headers['anthropic-version'] !== 'string') {
    throw new MockHttpError(400, 'anthropic-version: header is required');
  }
  return key;
}
