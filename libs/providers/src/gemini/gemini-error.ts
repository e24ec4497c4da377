import { GatewayError } from '@switchyard/contracts';
import { isRecord, tryParseJson } from '../shared/json';
import { excerptOf, retryAfterMsFrom, upstreamError } from '../shared/upstream-error';
import type { UpstreamTarget } from '../shared/spec';
import { GeminiErrorBody, type PromptFeedback, type SafetyRating } from './gemini-wire';

const STATUS_BY_GOOGLE_STATUS: Readonly<Record<string, number>> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  OUT_OF_RANGE: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ABORTED: 409,
  RESOURCE_EXHAUSTED: 429,
  CANCELLED: 499,
  INTERNAL: 500,
  UNKNOWN: 500,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

/** `"37s"` / `"1.5s"` (a protobuf Duration) → milliseconds. */
function durationMs(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const match = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
  return match ? Number(match[1]) * 1000 : null;
}

interface ErrorDetails {
  retryDelayMs: number | null;
  reasons: string[];
}

function detailsOf(details: readonly unknown[] | undefined): ErrorDetails {
  const result: ErrorDetails = { retryDelayMs: null, reasons: [] };
  for (const detail of details ?? []) {
    if (!isRecord(detail)) continue;
    if (detail['@type'] === 'type.googleapis.com/google.rpc.RetryInfo')
      result.retryDelayMs = durationMs(detail.retryDelay);
    if (typeof detail.reason === 'string') result.reasons.push(detail.reason);
  }
  return result;
}

/** Google's `{"error":{"code","message","status","details"}}` (or a one-element array of it) → `GatewayError`. */
export function geminiErrorFrom(
  status: number,
  body: unknown,
  bodyText: string,
  headers: Readonly<Record<string, string>>,
  target: UpstreamTarget,
  nowMs: number,
): GatewayError {
  const parsed = GeminiErrorBody.safeParse(Array.isArray(body) ? body[0] : body);
  const error = parsed.success ? parsed.data.error : null;
  const details = detailsOf(error?.details);
  const invalidKey = details.reasons.includes('API_KEY_INVALID');
  const effectiveStatus = invalidKey ? 401 : status;
  return upstreamError({
    status: effectiveStatus,
    provider: target.provider,
    message: error?.message ?? (excerptOf(bodyText) || `HTTP ${status}`),
    code: invalidKey ? 'invalid_api_key' : null,
    retryAfterMs: details.retryDelayMs ?? retryAfterMsFrom(headers, nowMs),
    apiKey: target.apiKey,
  });
}

export function parseGeminiError(
  status: number,
  bodyText: string,
  headers: Readonly<Record<string, string>>,
  target: UpstreamTarget,
  nowMs: number,
): GatewayError {
  return geminiErrorFrom(status, tryParseJson(bodyText), bodyText, headers, target, nowMs);
}

/** An error object inside a 200 stream: its status comes from its `code` or `status`. */
export function geminiStreamError(body: unknown, target: UpstreamTarget, nowMs: number): GatewayError {
  const parsed = GeminiErrorBody.safeParse(body);
  const error = parsed.success ? parsed.data.error : null;
  const status = error?.code ?? (error?.status ? STATUS_BY_GOOGLE_STATUS[error.status] : undefined) ?? 500;
  return geminiErrorFrom(status, body, '', {}, target, nowMs);
}

function flaggedCategories(ratings: readonly SafetyRating[] | undefined): string[] {
  return (ratings ?? [])
    .filter(
      (rating) => rating.blocked === true || rating.probability === 'HIGH' || rating.probability === 'MEDIUM',
    )
    .map((rating) => rating.category)
    .filter((category): category is string => category !== undefined);
}

function safetyError(provider: string, message: string): GatewayError {
  return new GatewayError(400, 'invalid_request_error', `${provider}: ${message}`, {
    code: 'content_filter',
    provider,
    retryable: false,
  });
}

/** `promptFeedback.blockReason`: Gemini refused the prompt itself. */
export function promptBlockedError(provider: string, feedback: PromptFeedback): GatewayError {
  const categories = flaggedCategories(feedback.safetyRatings);
  const explanation = feedback.blockReasonMessage ? ` ${feedback.blockReasonMessage}` : '';
  return safetyError(
    provider,
    `the prompt was blocked by Gemini's safety filters (blockReason: ${feedback.blockReason ?? 'unknown'}` +
      `${categories.length > 0 ? `; categories: ${categories.join(', ')}` : ''}).${explanation}`,
  );
}

/** A candidate stopped by a filter before it produced anything. */
export function responseBlockedError(
  provider: string,
  finishReason: string,
  ratings: readonly SafetyRating[] | undefined,
): GatewayError {
  const categories = flaggedCategories(ratings);
  return safetyError(
    provider,
    `the response was blocked by Gemini's safety filters (finishReason: ${finishReason}` +
      `${categories.length > 0 ? `; categories: ${categories.join(', ')}` : ''}).`,
  );
}
