import type { ChatCompletionRequest } from '@switchyard/contracts';
import { type CountOptions, countTokensOfTexts } from './tokenizer';

/** The chat format's framing per message, and the priming of the reply (OpenAI's published counting rule). */
const TOKENS_PER_MESSAGE = 3;
const REPLY_PRIMING_TOKENS = 3;

/** The tokens of one text (bounded in time for any text: see `tokenizer.ts`). */
export function countTextTokens(text: string): Promise<number> {
  return countTokensOfTexts([text]);
}

/**
 * Input tokens of a chat request with the o200k_base tokenizer: every message's role, name,
 * text, tool calls and reasoning, non-text parts other than images as their JSON, the tool
 * definitions as JSON, and the chat framing. Images are not counted (their cost is the
 * provider's own rule, not text). All texts are counted in one bounded count (`tokenizer.ts`), so
 * a request of any size costs at most its budget of work and never holds the event loop.
 *
 * Never more than the request's UTF-8 size in bytes when counted exactly: each counted string
 * appears in the body (JSON escaping only lengthens it) and every BPE token covers at least one
 * byte, which is what lets the capacity check skip this when the byte size already fits.
 */
export async function countRequestTokens(
  body: Pick<ChatCompletionRequest, 'messages' | 'tools'>,
  options: CountOptions = {},
): Promise<number> {
  const texts: string[] = [];
  for (const message of body.messages) {
    texts.push(message.role);
    if ('name' in message && typeof message.name === 'string') texts.push(message.name);
    pushContentTexts(message.content, texts);
    if (message.role === 'assistant') {
      for (const call of message.tool_calls ?? []) texts.push(call.function.name, call.function.arguments);
      if (typeof message.reasoning_content === 'string') texts.push(message.reasoning_content);
    }
  }
  if (body.tools && body.tools.length > 0) texts.push(JSON.stringify(body.tools));
  const framing = REPLY_PRIMING_TOKENS + TOKENS_PER_MESSAGE * body.messages.length;
  return framing + (await countTokensOfTexts(texts, options));
}

function pushContentTexts(content: unknown, texts: string[]): void {
  if (typeof content === 'string') {
    texts.push(content);
    return;
  }
  if (!Array.isArray(content)) return;
  for (const part of content as unknown[]) {
    if (typeof part !== 'object' || part === null) continue;
    const { type, text } = part as { type?: unknown; text?: unknown };
    if (type === 'text' && typeof text === 'string') texts.push(text);
    else if (type !== 'image_url') texts.push(JSON.stringify(part));
  }
}
