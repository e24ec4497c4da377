/** OpenAI's duration format for `x-ratelimit-reset-*`: `250ms`, `12s`, `1m30s`. */
export function formatReset(milliseconds: number): string {
  const ms = Math.max(0, Math.round(milliseconds));
  if (ms < 1000) return `${ms}ms`;
  const seconds = Math.ceil(ms / 1000);
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${seconds % 60}s`;
}

export interface LimitState {
  requests?: { limit: number; remaining: number; resetMs: number };
  tokens?: { limit: number; remaining: number; resetMs: number };
}

/** `x-ratelimit-{limit,remaining,reset}-{requests,tokens}` for the limits a key has. */
export function rateLimitHeaders(state: LimitState): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const kind of ['requests', 'tokens'] as const) {
    const limit = state[kind];
    if (!limit) continue;
    headers[`x-ratelimit-limit-${kind}`] = String(limit.limit);
    headers[`x-ratelimit-remaining-${kind}`] = String(Math.max(0, limit.remaining));
    headers[`x-ratelimit-reset-${kind}`] = formatReset(limit.resetMs);
  }
  return headers;
}
