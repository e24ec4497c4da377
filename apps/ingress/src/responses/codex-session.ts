import type { IncomingHttpHeaders } from 'node:http';

const MAX_SESSION_ID_LENGTH = 200;

/**
 * The conversation id of a Responses call where the client sent no `x-session-id`: Codex's
 * `session-id` header, else the request's `prompt_cache_key` (Codex sets it to the same id, SDK
 * users to whatever groups their conversation). Routers keep a session on one model and usage
 * rows group by it.
 */
export function responsesSessionId(
  headers: IncomingHttpHeaders,
  promptCacheKey: string | null | undefined,
): string | null {
  const header = headers['session-id'];
  const value = typeof header === 'string' && header.trim() !== '' ? header : promptCacheKey;
  return typeof value === 'string' && value.trim() !== ''
    ? value.trim().slice(0, MAX_SESSION_ID_LENGTH)
    : null;
}
