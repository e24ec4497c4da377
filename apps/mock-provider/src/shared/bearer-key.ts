import type { FastifyRequest } from 'fastify';

const bearer = /^Bearer\s+(\S.*)$/i;

/** The key of an `Authorization: Bearer <key>` header, or null. */
export function bearerKey(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return null;
  const match = bearer.exec(header);
  return match === null ? null : match[1].trim();
}
