import type { MockHttpError } from '../shared/mock-http-error';
import type { ProviderErrors } from '../shared/provider-exchange';

function errorType(status: number): string {
  switch (status) {
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 504:
      return 'timeout_error';
    case 529:
      return 'overloaded_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

/** Anthropic's error envelope: `{"type":"error","error":{"type","message"},"request_id"}`. */
export const anthropicErrors: ProviderErrors = {
  errorBody(error: MockHttpError, requestId: string): unknown {
    if (error.options.body !== undefined) return error.options.body;
    return {
      type: 'error',
      error: { type: errorType(error.status), message: error.message },
      request_id: requestId,
    };
  },
  headers(requestId: string) {
    return { 'request-id': requestId };
  },
};
