import type { MockHttpError } from '../shared/mock-http-error';
import type { ProviderErrors } from '../shared/provider-exchange';

export const OPENAI_MISSING_KEY_MESSAGE =
  "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.";

function errorType(status: number): string {
  if (status === 429) return 'requests';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

function errorCode(status: number): string | null {
  switch (status) {
    case 401:
      return 'invalid_api_key';
    case 404:
      return 'model_not_found';
    case 429:
      return 'rate_limit_exceeded';
    default:
      return null;
  }
}

/** OpenAI's error envelope: `{"error":{"message","type","param","code"}}`. */
export const openAiErrors: ProviderErrors = {
  errorBody(error: MockHttpError): unknown {
    if (error.options.body !== undefined) return error.options.body;
    return {
      error: {
        message: error.message,
        type: errorType(error.status),
        param: error.options.param ?? null,
        code: error.options.code !== undefined ? error.options.code : errorCode(error.status),
      },
    };
  },
};
