import type { ChatCompletionRequest } from '@switchyard/contracts';
import { countTokens } from './tokenizer';

/** The chat format's framing per message, and the priming of the reply (OpenAI's published counting rule). */
const TOKENS_PER_MESSAGE = 3;
const REPLY_PRIMING_TOKENS = 3;

export function countTextTokens(text: string): number {
  return text.length === 0 ? 0 : countTokens(text);
}

/**
 * Input tokens of a chat request with the o200k_base tokenizer: every message's role, name,
 * text, tool calls and reasoning, non-text parts other than images as their JSON, the tool
 * definitions as JSON, and the chat framing. Images are not counted (their cost is the
 * provider's own rule, not text).
 *
 * Never more than the request's UTF-8 size in bytes: each counted string appears in the body
 * (JSON escaping only lengthens it) and every BPE token covers at least one byte, which is what
 * lets the capacity check skip this when the byte size already fits.
 */
export function countRequestTokens(body: Pick<ChatCompletionRequest, 'messages' | 'tools'>): number {
  let total = REPLY_PRIMING_TOKENS;
  for (const message of body.messages) {
    total += TOKENS_PER_MESSAGE + countTextTokens(message.role);
    if ('name' in message && typeof message.name === 'string') total += countTextTokens(message.name);
    total += countContentTokens(message.content);
    if (message.role === 'assistant') {
      for (const call of message.tool_calls ?? []) {
        total += countTextTokens(call.function.name) + countTextTokens(call.function.arguments);
      }
      if (typeof message.reasoning_content === 'string') total += countTextTokens(message.reasoning_content);
    }
  }
  if (body.tools && body.tools.length > 0) total += countTextTokens(JSON.stringify(body.tools));
  return total;
}

function countContentTokens(content: unknown): number {
  if (typeof content === 'string') return countTextTokens(content);
  if (!Array.isArray(content)) return 0;
  let total = 0;
  for (const part of content as unknown[]) {
    if (typeof part !== 'object' || part === null) continue;
    const { type, text } = part as { type?: unknown; text?: unknown };
    if (type === 'text' && typeof text === 'string') total += countTextTokens(text);
    else if (type !== 'image_url') total += countTextTokens(JSON.stringify(part));
  }
  return total;
}
