import { GatewayError } from '@switchyard/contracts';
import { anthropicErrorBody, anthropicErrorHeaders, anthropicErrorType } from './anthropic-error';

describe(anthropicErrorType.name, () => {
  it.each([
    [GatewayError.invalidRequest('bad'), 'invalid_request_error'],
    [GatewayError.unauthorized(), 'authentication_error'],
    [GatewayError.forbidden('not your model'), 'permission_error'],
    [GatewayError.notFound('no such model'), 'not_found_error'],
    [GatewayError.payloadTooLarge('too big'), 'request_too_large'],
    [GatewayError.rateLimited('slow down', 1000), 'rate_limit_error'],
    [GatewayError.budgetExceeded('budget spent'), 'rate_limit_error'],
    [GatewayError.timeout('upstream timed out'), 'timeout_error'],
    [GatewayError.internal('boom'), 'api_error'],
    [GatewayError.unavailable('no deployment'), 'api_error'],
    [GatewayError.upstream(502, 'bad gateway'), 'api_error'],
    [new GatewayError(529, 'overloaded_error', 'anthropic: Overloaded'), 'overloaded_error'],
    [new GatewayError(422, 'invalid_request_error', 'unprocessable'), 'invalid_request_error'],
  ])('%s → %s', (error, type) => {
    expect(anthropicErrorType(error)).toBe(type);
  });
});

describe(anthropicErrorBody.name, () => {
  it('is Anthropic’s envelope', () => {
    expect(anthropicErrorBody(GatewayError.notFound('The model "x" does not exist.'))).toEqual({
      type: 'error',
      error: { type: 'not_found_error', message: 'The model "x" does not exist.' },
    });
  });
});

describe(anthropicErrorHeaders.name, () => {
  it('carries retry-after in seconds and tells the SDK whether to retry', () => {
    expect(anthropicErrorHeaders(GatewayError.rateLimited('slow down', 1500), 'call-1')).toEqual({
      'retry-after': '2',
      'x-should-retry': 'true',
      'x-litellm-call-id': 'call-1',
      'request-id': 'call-1',
    });
    expect(anthropicErrorHeaders(GatewayError.budgetExceeded('budget spent'), 'call-2')).toMatchObject({
      'x-should-retry': 'false',
    });
  });
});
