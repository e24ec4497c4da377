import { GatewayError } from '@switchyard/contracts';

/** What an adapter knows about an upstream failure before it becomes a `GatewayError`. */
export interface UpstreamErrorDetails {
  status: number;
  provider: string;
  message: string;
  /** the provider's error type, kept when it already reads like an OpenAI/Anthropic type. */
  type?: string | null;
  code?: string | null;
  param?: string | null;
  retryAfterMs?: number | null;
  /** overrides the status-derived retryability. */
  retryable?: boolean;
  /** removed from the message wherever it appears. */
  apiKey: string;
}

const TYPE_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  408: 'timeout_error',
  409: 'conflict_error',
  413: 'invalid_request_error',
  422: 'invalid_request_error',
  429: 'rate_limit_error',
};

export function errorTypeForStatus(status: number): string {
  return TYPE_BY_STATUS[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

const CONTEXT_LENGTH_PATTERN =
  /context.length|context window|maximum context|prompt is too long|too many tokens|exceeds the maximum number of tokens|input token count/i;

/** Replaces the key (and anything shaped like a secret key) so it never leaves in a message. */
export function redactSecret(text: string, apiKey: string): string {
  let redacted = text;
  if (apiKey.length >= 4) redacted = redacted.split(apiKey).join('[redacted]');
  return redacted.replace(/\b(sk-[A-Za-z0-9_-]{4})[A-Za-z0-9_-]{12,}/g, '$1…[redacted]');
}

export function upstreamError(details: UpstreamErrorDetails): GatewayError {
  const status = details.status >= 400 && details.status <= 599 ? details.status : 502;
  const message = redactSecret(details.message.trim() || `HTTP ${status}`, details.apiKey);
  let code = details.code ?? null;
  if (code === null && status === 400 && CONTEXT_LENGTH_PATTERN.test(message))
    code = 'context_length_exceeded';
  if (code === null && status === 429) code = 'rate_limit_exceeded';
  const type = status === 429 ? 'rate_limit_error' : (details.type ?? errorTypeForStatus(status));
  return new GatewayError(status, type, `${details.provider}: ${message}`, {
    code: code ?? 'upstream_error',
    param: details.param ?? null,
    provider: details.provider,
    retryAfterMs: details.retryAfterMs ?? null,
    ...(details.retryable === undefined ? {} : { retryable: details.retryable }),
  });
}

/** The upstream answered 2xx with something that is not what its API documents. */
export function malformedResponse(provider: string, detail: string): GatewayError {
  return new GatewayError(
    502,
    'api_error',
    `${provider}: unexpected response from the provider (${detail})`,
    {
      code: 'bad_upstream_response',
      provider,
    },
  );
}

/** A request the provider cannot serve (checked before any call): 400, not retryable. */
export function unsupportedRequest(
  provider: string,
  message: string,
  param: string | null = null,
): GatewayError {
  return new GatewayError(400, 'invalid_request_error', `${provider}: ${message}`, {
    code: 'unsupported_parameter',
    param,
    provider,
  });
}

/** Case-insensitive header lookup. */
export function headerValue(headers: Readonly<Record<string, string>>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

/** `retry-after-ms` (OpenAI), else `retry-after` in seconds or as an HTTP date. */
export function retryAfterMsFrom(headers: Readonly<Record<string, string>>, nowMs: number): number | null {
  const milliseconds = headerValue(headers, 'retry-after-ms');
  if (milliseconds !== undefined) {
    const value = Number(milliseconds.trim());
    if (milliseconds.trim() !== '' && Number.isFinite(value) && value >= 0) return value;
  }
  const retryAfter = headerValue(headers, 'retry-after')?.trim();
  if (!retryAfter) return null;
  const seconds = Number(retryAfter);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : null;
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}

/** A short, single-line excerpt of a non-JSON error body (an HTML error page, a proxy message). */
export function excerptOf(bodyText: string, maxLength = 300): string {
  const line = bodyText
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return line.length > maxLength ? `${line.slice(0, maxLength)}…` : line;
}
