import type { GatewayError } from '@switchyard/contracts';
import type { AnthropicErrorObject } from './anthropic-message';
import { errorHeaders } from '../http/to-gateway-error';

/** Anthropic's error types by HTTP status (the SDK picks its error class by status). */
const TYPE_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  408: 'timeout_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

/** The Anthropic error type of a gateway error: `overloaded_error` only when the upstream said so. */
export function anthropicErrorType(error: GatewayError): string {
  if (error.type === 'overloaded_error') return 'overloaded_error';
  return TYPE_BY_STATUS[error.status] ?? (error.status >= 500 ? 'api_error' : 'invalid_request_error');
}

/** Anthropic's error envelope: `{"type": "error", "error": {"type", "message"}}`. */
export function anthropicErrorBody(error: GatewayError): { type: 'error'; error: AnthropicErrorObject } {
  return { type: 'error', error: { type: anthropicErrorType(error), message: error.message } };
}

/**
 * `retry-after` (seconds) and the error's own headers, plus `x-should-retry`, which the Anthropic
 * SDK obeys: a budget refusal is a 429 that retrying cannot fix.
 */
export function anthropicErrorHeaders(error: GatewayError, callId: string): Record<string, string> {
  return {
    ...errorHeaders(error),
    'x-should-retry': String(error.isRetryable),
    'x-litellm-call-id': callId,
    'request-id': callId,
  };
}
