import type { ChatCompletionRequest } from '@switchyard/contracts';
import type { ResponsesRequest } from './responses-request';

/** What an attempt needs either way: the native body for OpenAI, the canonical one for the rest. */
export interface PreparedNative {
  native: Record<string, unknown>;
  chat: ChatCompletionRequest;
}

/**
 * The body sent to OpenAI's native `/v1/responses`: the client's request as it came (fields
 * Switchyard does not read included: `include`, hosted tools, `store`, `client_metadata`…), with
 * a chain Switchyard stored put before the input (`previous_response_id` names a response of this
 * gateway, which OpenAI does not know). Stored items lose their ids (OpenAI would look them up),
 * and reasoning items without `encrypted_content` (from other providers) are left out.
 */
export function nativeBodyOf(
  request: ResponsesRequest,
  history: readonly Record<string, unknown>[],
  input: readonly Record<string, unknown>[],
): Record<string, unknown> {
  const { previous_response_id: _previous, ...body } = request;
  if (history.length === 0 && !request.previous_response_id) return { ...body };
  const replayed = history
    .filter((item) => item.type !== 'reasoning' || typeof item.encrypted_content === 'string')
    .map(({ id: _id, status: _status, ...item }) => item);
  return { ...body, input: [...replayed, ...input] };
}
