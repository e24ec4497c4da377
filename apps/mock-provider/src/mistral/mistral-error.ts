import { deterministicToken } from '../shared/hash';
import type { MockHttpError } from '../shared/mock-http-error';
import type { ProviderErrors } from '../shared/provider-exchange';

function errorType(status: number): string {
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'internal_server_error';
  return 'invalid_request_error';
}

/**
 * Mistral's errors: `{"object":"error","message","type","param","code"}`; a missing or bad key is
 * `{"message":"Unauthorized","request_id"}`, a schema violation a 422 whose `message.detail`
 * lists pydantic issues.
 */
export const mistralErrors: ProviderErrors = {
  errorBody(error: MockHttpError, requestId: string): unknown {
    if (error.options.body !== undefined) return error.options.body;
    if (error.status === 401) {
      return { message: 'Unauthorized', request_id: deterministicToken(requestId, 32, 'hex') };
    }
    return {
      object: 'error',
      message: error.message,
      type: errorType(error.status),
      param: error.options.param ?? null,
      code: error.options.code ?? null,
    };
  },
};

/** A 422 in the shape Mistral's validation layer (pydantic) answers an unknown field with. */
export function mistralExtraForbidden(location: ReadonlyArray<string | number>, input: unknown): unknown {
  return {
    object: 'error',
    message: {
      detail: [
        { type: 'extra_forbidden', loc: ['body', ...location], msg: 'Extra inputs are not permitted', input },
      ],
    },
    type: 'invalid_request_error',
    param: null,
    code: null,
  };
}
