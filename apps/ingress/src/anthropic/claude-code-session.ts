import type { IncomingHttpHeaders } from 'node:http';

const SESSION_HEADER = 'x-claude-code-session-id';
const MAX_SESSION_ID_LENGTH = 200;

/**
 * The conversation id Claude Code sends with every request (`X-Claude-Code-Session-Id`, since
 * v2.1.86), used where the client sent no `x-session-id`: routers keep a conversation on one
 * model and usage rows group by it.
 */
export function claudeCodeSessionId(headers: IncomingHttpHeaders): string | null {
  const value = headers[SESSION_HEADER];
  return typeof value === 'string' && value.trim() !== ''
    ? value.trim().slice(0, MAX_SESSION_ID_LENGTH)
    : null;
}
