import type { ToolCall } from '@switchyard/contracts';
import { isRecord } from '../shared/json';
import { stableId } from '../shared/stable-id';

/**
 * Gemini function calls carry no id. Ids are derived from the response id, the candidate, the
 * call's position and its name: stable within a response (stream and retries of the parse agree)
 * and distinct across responses, so a later tool message names its call unambiguously.
 */
export function geminiToolCallId(
  responseId: string,
  candidateIndex: number,
  callIndex: number,
  name: string,
): string {
  return `call_${stableId([responseId, candidateIndex, callIndex, name].join('\u0000'), 24)}`;
}

/**
 * Gemini 3 returns a `thoughtSignature` on function calls and rejects a later request whose
 * function calls lack it. It travels on the OpenAI tool call as Google's own OpenAI-compatible
 * endpoint carries it: `extra_content.google.thought_signature`.
 */
export interface GeminiSignedToolCall {
  extra_content?: { google: { thought_signature: string } };
}

export function withThoughtSignature<T extends object>(
  toolCall: T,
  signature: string | undefined,
): T & GeminiSignedToolCall {
  return signature ? { ...toolCall, extra_content: { google: { thought_signature: signature } } } : toolCall;
}

export function thoughtSignatureOf(toolCall: ToolCall): string | undefined {
  const extra = toolCall.extra_content;
  if (!isRecord(extra) || !isRecord(extra.google)) return undefined;
  return typeof extra.google.thought_signature === 'string' ? extra.google.thought_signature : undefined;
}
