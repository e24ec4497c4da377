import type { FastifyReply, FastifyRequest } from 'fastify';
import type { GatewayError } from '@switchyard/contracts';
import { requestContext } from '../http/request-context';
import { geminiErrorBody, geminiErrorHeaders } from './gemini-error';
import { geminiSseFrame } from './gemini-stream-writer';

/**
 * Answers a failure on the Gemini surface in Google's envelope: an error response before anything
 * was sent, one more SSE event after. The global filter (surfaces/openai-exception.filter.ts) calls
 * it for every failure on a Gemini route (`isGeminiRoute`), the guard's 401 included; the
 * controller has no filter of its own, so a POST under `/v1/models/` that is not one of Google's
 * `{model}:{method}` calls keeps OpenAI's envelope like the rest of `/v1`.
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
