import type { GatewayError } from '@switchyard/contracts';
import { isRecord, tryParseJson } from '../shared/json';
import { excerptOf, retryAfterMsFrom, upstreamError } from '../shared/upstream-error';
import type { UpstreamTarget } from '../shared/spec';

function stringOrNull(value: unknown): string | null {
  if (typeof value === 'string' && value.length > 0) return value;
  if (typeof value === 'number') return String(value);
  return null;
}

/** The message of an error body in any of the shapes OpenAI-compatible servers use. */
function messageOf(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (isRecord(value) || Array.isArray(value)) return JSON.stringify(value);
  return null;
}

/**
 * An OpenAI error envelope (`{"error":{"message","type","param","code"}}`) → `GatewayError` naming
 * the provider. Also reads the flat `{"message": …}` and `{"detail": …}` bodies of
 * OpenAI-compatible servers, and non-JSON bodies (proxy error pages).
 */
export function openAIErrorFrom(
  status: number,
  body: unknown,
  bodyText: string,
  headers: Readonly<Record<string, string>>,
  target: UpstreamTarget,
  nowMs: number,
): GatewayError {
  const envelope = isRecord(body) && isRecord(body.error) ? body.error : isRecord(body) ? body : null;
  const message =
    (envelope && (messageOf(envelope.message) ?? messageOf(envelope.detail))) ??
    (isRecord(body) && typeof body.error === 'string' ? body.error : null) ??
    (excerptOf(bodyText) || `HTTP ${status}`);
  const type = envelope ? stringOrNull(envelope.type) : null;
  return upstreamError({
    status,
    provider: target.provider,
    message,
    type: type && /_error$/.test(type) ? type : null,
    code: envelope ? stringOrNull(envelope.code) : null,
    param: envelope ? stringOrNull(envelope.param) : null,
    retryAfterMs: retryAfterMsFrom(headers, nowMs),
    apiKey: target.apiKey,
  });
}

const STATUS_BY_TYPE: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  rate_limit_error: 429,
  rate_limit_exceeded: 429,
  insufficient_quota: 429,
};

/** The HTTP status an error that arrives inside a 200 stream stands for (500 when unknown). */
export function statusOfStreamError(body: unknown): number {
  const error = isRecord(body) && isRecord(body.error) ? body.error : {};
  if (typeof error.code === 'number' && error.code >= 400 && error.code <= 599) return error.code;
  if (typeof error.status === 'number' && error.status >= 400 && error.status <= 599) return error.status;
  for (const key of [error.type, error.code]) {
    if (typeof key === 'string' && STATUS_BY_TYPE[key] !== undefined) return STATUS_BY_TYPE[key];
  }
  return 500;
}

export function parseOpenAIError(
  status: number,
  bodyText: string,
  headers: Readonly<Record<string, string>>,
  target: UpstreamTarget,
  nowMs: number,
): GatewayError {
  return openAIErrorFrom(status, tryParseJson(bodyText), bodyText, headers, target, nowMs);
}
