import type { ChatInput } from '../shared/chat-input';
import { isRecord, readArray, readString } from '../shared/json-value';
import { MockHttpError } from '../shared/mock-http-error';
import { parseOpenAiChatRequest, type OpenAiChatFlavour } from '../openai/openai-chat-request';
import { mistralExtraForbidden } from './mistral-error';

export const MISTRAL_FLAVOUR: OpenAiChatFlavour = { format: 'mistral', extraToolChoices: ['any'] };

/** Mistral tool call ids: exactly 9 characters of a-z, A-Z, 0-9. */
export const MISTRAL_TOOL_CALL_ID = /^[a-zA-Z0-9]{9}$/;

/**
 * OpenAI parameters Mistral's API rejects with a 422 `extra_forbidden` (it validates strictly):
 * `stream_options` (Mistral always sends usage in the last chunk) and `max_completion_tokens`.
 */
const forbiddenFields = ['stream_options', 'max_completion_tokens'] as const;

/** A Mistral chat request: OpenAI's shape, Mistral's stricter validation. */
export function parseMistralChatRequest(body: unknown): ChatInput {
  if (isRecord(body)) {
    for (const field of forbiddenFields) {
      if (body[field] !== undefined) {
        throw new MockHttpError(422, 'Extra inputs are not permitted', {
          body: mistralExtraForbidden([field], body[field]),
        });
      }
    }
    for (const message of readArray(body, 'messages') ?? []) {
      if (!isRecord(message)) continue;
      for (const call of readArray(message, 'tool_calls') ?? []) {
        if (isRecord(call)) checkToolCallId(call.id);
      }
      if (message.role === 'tool') checkToolCallId(readString(message, 'tool_call_id'));
    }
  }
  return parseOpenAiChatRequest(body, MISTRAL_FLAVOUR);
}

function checkToolCallId(id: unknown): void {
  if (typeof id === 'string' && MISTRAL_TOOL_CALL_ID.test(id)) return;
  throw new MockHttpError(
    400,
    `Tool call id was ${String(id)} but must be a-z, A-Z, 0-9, with a length of 9.`,
    {
      code: '3280',
      body: {
        object: 'error',
        message: `Tool call id was ${String(id)} but must be a-z, A-Z, 0-9, with a length of 9.`,
        type: 'invalid_function_call',
        param: null,
        code: '3280',
      },
    },
  );
}
