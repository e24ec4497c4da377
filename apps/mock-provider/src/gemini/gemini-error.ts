import type { MockHttpError } from '../shared/mock-http-error';
import type { ProviderErrors } from '../shared/provider-exchange';

export function googleStatus(status: number): string {
  switch (status) {
    case 400:
      return 'INVALID_ARGUMENT';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'PERMISSION_DENIED';
    case 404:
      return 'NOT_FOUND';
    case 409:
      return 'ABORTED';
    case 429:
      return 'RESOURCE_EXHAUSTED';
    case 499:
      return 'CANCELLED';
    case 501:
      return 'UNIMPLEMENTED';
    case 503:
      return 'UNAVAILABLE';
    case 504:
      return 'DEADLINE_EXCEEDED';
    default:
      return status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION';
  }
}

/** Google's error envelope: `{"error":{"code","message","status"}}`. */
export const geminiErrors: ProviderErrors = {
  errorBody(error: MockHttpError): unknown {
    if (error.options.body !== undefined) return error.options.body;
    return { error: { code: error.status, message: error.message, status: googleStatus(error.status) } };
  },
};
