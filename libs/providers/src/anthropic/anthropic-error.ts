import type { GatewayError } from '@switchyard/contracts';
import { tryParseJson } from '../shared/json';
import { excerptOf, retryAfterMsFrom, upstreamError } from '../shared/upstream-error';
import type { UpstreamTarget } from '../shared/spec';
import { AnthropicErrorBody } from './anthropic-wire';

/** The HTTP status each Anthropic error type comes with (for errors that arrive inside a stream). */
const STATUS_BY_ERROR_TYPE: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

export function anthropicStatusOf(errorType: string): number {
  return STATUS_BY_ERROR_TYPE[errorType] ?? 500;
}

/** Anthropic's `{"type":"error","error":{"type","message"}}` → `GatewayError` (529 overloaded is retryable). */
export function anthropicErrorFrom(
  status: number,
  body: unknown,
  bodyText: string,
  headers: Readonly<Record<string, string>>,
  target: UpstreamTarget,
  nowMs: number,
): GatewayError {
  const parsed = AnthropicErrorBody.safeParse(body);
  const error = parsed.success ? parsed.data.error : null;
  return upstreamError({
    status,
    provider: target.provider,
    message: error?.message ?? (excerptOf(bodyText) || error?.type || `HTTP ${status}`),
    type: error?.type ?? null,
    code: error?.type === 'request_too_large' ? 'request_too_large' : null,
    retryAfterMs: retryAfterMsFrom(headers, nowMs),
    apiKey: target.apiKey,
  });
}

export function parseAnthropicError(
  status: number,
  bodyText: string,
  headers: Readonly<Record<string, string>>,
  target: UpstreamTarget,
  nowMs: number,
): GatewayError {
  return anthropicErrorFrom(status, tryParseJson(bodyText), bodyText, headers, target, nowMs);
}

/** An `error` event inside a 200 stream: its status comes from its type. */
export function anthropicStreamError(body: unknown, target: UpstreamTarget, nowMs: number): GatewayError {
  const parsed = AnthropicErrorBody.safeParse(body);
  const status = parsed.success ? anthropicStatusOf(parsed.data.error.type) : 500;
  return anthropicErrorFrom(status, body, '', {}, target, nowMs);
}
