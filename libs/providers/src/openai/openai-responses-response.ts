import type { GatewayError } from '@switchyard/contracts';
import { isRecord, type JsonRecord } from '../shared/json';
import { malformedResponse } from '../shared/upstream-error';
import type { ResponsesResult, UpstreamTarget } from '../shared/spec';
import { convertOpenAIResponsesUsage } from './convert-openai-responses-usage';

/** Builds the `GatewayError` of an error body (`{"error": …}`), as the provider's error parser does. */
export type ResponsesErrorFactory = (body: JsonRecord) => GatewayError;

/**
 * The error a failed response stands for: its `error` (`{code, message}`) read as an in-stream
 * OpenAI error, so `server_error` is a retryable 500 and `rate_limit_exceeded` a 429.
 */
export function failedResponseError(response: JsonRecord, errorFrom: ResponsesErrorFactory): GatewayError {
  const error = isRecord(response.error) ? response.error : {};
  return errorFrom({
    error: {
      message: typeof error.message === 'string' ? error.message : 'the response failed',
      type: error.type ?? error.code ?? null,
      code: error.code ?? null,
      param: error.param ?? null,
    },
  });
}

/** A non-streamed Responses body: the response as sent, its canonical usage and status. */
export function parseOpenAIResponsesResponse(
  body: unknown,
  target: UpstreamTarget,
  errorFrom: ResponsesErrorFactory,
): ResponsesResult {
  if (!isRecord(body) || !Array.isArray(body.output) || typeof body.status !== 'string') {
    throw malformedResponse(target.provider, 'a response without output or status');
  }
  if (body.status === 'failed') throw failedResponseError(body, errorFrom);
  return {
    response: body,
    usage: isRecord(body.usage) ? convertOpenAIResponsesUsage(body.usage) : null,
    status: body.status,
  };
}
