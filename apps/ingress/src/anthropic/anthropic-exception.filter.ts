import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { GatewayError } from '@switchyard/contracts';
import { requestContext } from '../http/request-context';
import { toGatewayError } from '../http/to-gateway-error';
import { anthropicErrorBody, anthropicErrorHeaders } from './anthropic-error';
import { anthropicSseFrame } from './anthropic-sse-writer';

/** The routes of the Anthropic surface (`/v1/messages`, `/messages/count_tokens`, …), query string or not. */
export function isAnthropicRoute(url: string): boolean {
  return /^\/(v1\/)?messages(\/|\?|$)/.test(url);
}

/**
 * Answers a failure on the Anthropic surface in Anthropic's envelope: an error response before
 * anything was sent, an `error` event that ends the stream after.
 */
export function sendAnthropicError(request: FastifyRequest, reply: FastifyReply, error: GatewayError): void {
  const raw = reply.raw;
  if (raw.headersSent) {
    if (!raw.writableEnded) raw.end(anthropicSseFrame(anthropicErrorBody(error)));
    return;
  }
  void reply
    .code(error.status)
    .headers(anthropicErrorHeaders(error, requestContext(request).callId))
    .send(anthropicErrorBody(error));
}

/**
 * Every failure on the Anthropic routes, the guard's 401 included (a controller's filter wins
 * over the global OpenAI one). Failures before routing (a body that is not JSON, or too large)
 * reach only the global filter, which can hand them here with `isAnthropicRoute` and
 * `sendAnthropicError`.
 */
@Catch()
export class AnthropicExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendAnthropicError(
      http.getRequest<FastifyRequest>(),
      http.getResponse<FastifyReply>(),
      toGatewayError(exception),
    );
  }
}
