import { countTokens } from '@switchyard/complexity/tokenizer';
import type { ChatCompletionRequest, TokenUsage } from '@switchyard/contracts';

/**
 * Usage for an attempt whose stream was cut before the provider reported it: the prompt counted
 * with a real tokenizer (o200k), the output from the text that did reach the client. Marked as
 * estimated on the usage event.
 */
export function estimateUsage(
  request: ChatCompletionRequest,
  streamedText: string,
  known: TokenUsage | null,
): TokenUsage {
  const inputTotal = known && known.input.total > 0 ? known.input.total : countTokens(promptText(request));
  const outputTotal = Math.max(known?.output.total ?? 0, streamedText ? countTokens(streamedText) : 0);
  return {
    input:
      known && known.input.total > 0
        ? known.input
        : { total: inputTotal, noCache: inputTotal, cacheRead: 0, cacheWrite: 0 },
    output: { total: outputTotal, reasoning: known?.output.reasoning ?? 0 },
  };
}

function promptText(request: ChatCompletionRequest): string {
  const parts: string[] = [];
  for (const message of request.messages) {
    const content = message.content;
    if (typeof content === 'string') parts.push(content);
    else if (Array.isArray(content)) {
      for (const part of content)
        if (part.type === 'text' && typeof part.text === 'string') parts.push(part.text);
    }
    if (message.role === 'assistant' && message.tool_calls) {
      for (const call of message.tool_calls) parts.push(call.function.name, call.function.arguments);
    }
  }
  if (request.tools) parts.push(JSON.stringify(request.tools));
  return parts.join('\n');
}
