import { HttpException, Logger } from '@nestjs/common';
import { GatewayError } from '@switchyard/contracts';
import { headerValues } from './header-value';
import { redactUrlKeys } from './redact-url';

const logger = new Logger('Errors');

/**
 * Any error that reaches an HTTP edge as a `GatewayError`: ours as they are, Fastify's (body too
 * large, bad content) and Nest's (unknown route) by their status, anything else as a 500 that is
 * logged (without request content) and described to the client without internals.
 */
export function toGatewayError(error: unknown, maxBodyMb?: number): GatewayError {
  if (error instanceof GatewayError) return error;
  if (error instanceof HttpException) {
    const status = error.getStatus();
    if (status === 404)
      return GatewayError.notFound(
        `Route not found: ${redactUrlKeys(error.message.replace(/^Cannot /, ''))}`,
        null,
        'route_not_found',
      );
    return new GatewayError(
      status,
      status >= 500 ? 'api_error' : 'invalid_request_error',
      redactUrlKeys(error.message),
    );
  }
  const fastify = error as { statusCode?: number; code?: string; message?: string };
  if (fastify.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || fastify.statusCode === 413) {
    return GatewayError.payloadTooLarge(
      `The request body is larger than the gateway accepts${maxBodyMb ? ` (${maxBodyMb} MB; raise general_settings.max_request_size_mb or MAX_REQUEST_BODY_MB)` : ''}.`,
    );
  }
  if (typeof fastify.statusCode === 'number' && fastify.statusCode >= 400 && fastify.statusCode < 500) {
    return new GatewayError(
      fastify.statusCode,
      'invalid_request_error',
      redactUrlKeys(fastify.message ?? 'Bad request.'),
    );
  }
  logger.error(redactUrlKeys(error instanceof Error ? (error.stack ?? error.message) : String(error)));
  return GatewayError.internal('The gateway failed to handle this request.');
}

/** `retry-after` (seconds) and the error's own headers. */
export function errorHeaders(error: GatewayError): Record<string, string> {
  const headers = headerValues(error.headers);
  if (error.retryAfterMs !== null)
    headers['retry-after'] = String(Math.max(1, Math.ceil(error.retryAfterMs / 1000)));
  return headers;
}
