import { type ArgumentsHost, Catch, type ExceptionFilter, Inject } from '@nestjs/common';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { GatewayError } from '@switchyard/contracts';
import type { IngressEnvironment } from '@switchyard/config';
import { isAnthropicRoute, sendAnthropicError } from '../anthropic/anthropic-exception.filter';
import { sendGeminiError } from '../gemini/send-gemini-error';
import { isGeminiRoute } from '../http/gemini-route';
import { INGRESS_ENVIRONMENT } from '../infrastructure/tokens';
import { errorHeaders, toGatewayError } from '../http/to-gateway-error';
import { requestContext } from '../http/request-context';
import { openAIErrorBody } from '../openai/openai-error';

/** Every failure on the OpenAI surface (and the admin routes) as OpenAI's error envelope. */
@Catch()
export class OpenAIExceptionFilter implements ExceptionFilter {
  constructor(@Inject(INGRESS_ENVIRONMENT) private readonly environment: IngressEnvironment) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const error = toGatewayError(exception, this.environment.MAX_REQUEST_BODY_MB);
    const request = http.getRequest<FastifyRequest>();
    // failures before routing (body not JSON, too large) on the Anthropic surface keep its envelope
    if (isAnthropicRoute(request.url)) return sendAnthropicError(request, reply, error);
    if (isGeminiRoute(request.url)) return sendGeminiError(request, reply, error);
    sendOpenAIError(request, reply, error);
  }
}

/**
 * Answers a failure in OpenAI's envelope: an error response before anything was sent, an error
 * event that ends the stream after.
 */
export function sendOpenAIError(request: FastifyRequest, reply: FastifyReply, error: GatewayError): void {
  const raw = reply.raw;
  if (raw.headersSent) {
    // a stream had begun: end it with an error event the client can read
    if (!raw.writableEnded) raw.end(`data: ${JSON.stringify(openAIErrorBody(error))}\n\n`);
    return;
  }
  void reply
    .code(error.status)
    .headers({ ...errorHeaders(error), 'x-litellm-call-id': requestContext(request).callId })
    .send(openAIErrorBody(error));
}

/**
 * Fastify's `frameworkErrors`: a URL it cannot decode (`/%ff`) or a path parameter over its
 * length limit is refused before routing, so before Nest's filters; answered here in the
 * envelope of the route's surface instead of Fastify's own `{error, code, statusCode}`.
 */
export function sendFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const gatewayError = toGatewayError(error);
  if (isAnthropicRoute(request.url)) sendAnthropicError(request, reply, gatewayError);
  else if (isGeminiRoute(request.url)) sendGeminiError(request, reply, gatewayError);
  else sendOpenAIError(request, reply, gatewayError);
}
