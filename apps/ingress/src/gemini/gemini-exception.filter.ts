import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { GatewayError } from '@switchyard/contracts';
import { requestContext } from '../http/request-context';
import { toGatewayError } from '../http/to-gateway-error';
import { geminiErrorBody, geminiErrorHeaders } from './gemini-error';
import { geminiSseFrame } from './gemini-stream-writer';

/**
 * Answers a failure on the Gemini surface in Google's envelope: an error response before anything
 * was sent, one more SSE event after.
 */
export function sendGeminiError(request: FastifyRequest, reply: FastifyReply, error: GatewayError): void {
  const raw = reply.raw;
  if (raw.headersSent) {
    if (!raw.writableEnded) raw.end(geminiSseFrame(geminiErrorBody(error)));
    return;
  }
  void reply
    .code(error.status)
    .headers(geminiErrorHeaders(error, requestContext(request).callId))
    .send(geminiErrorBody(error));
}

/**
 * Every failure on the Gemini routes, the guard's 401 included (a controller's filter wins over the
 * global OpenAI one). Failures before routing (a body that is not JSON, an unknown route under
 * `/v1beta`) reach the global filter, which hands them here with `isGeminiRoute`.
 */
@Catch()
export class GeminiExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendGeminiError(
      http.getRequest<FastifyRequest>(),
      http.getResponse<FastifyReply>(),
      toGatewayError(exception),
    );
  }
}
