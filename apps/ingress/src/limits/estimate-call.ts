import type { Deployment } from '@switchyard/config';
import type { ChatCompletionRequest } from '@switchyard/contracts';
import { pricesOf } from '@switchyard/providers';

/** What a call is expected to use, before it runs: reserved against budgets and token limits. */
export interface CallEstimate {
  inputTokens: number;
  outputTokens: number;
  /** US dollars at the most expensive of the model's deployments; 0 when no price is known. */
  costUsd: number;
}

/** Tokens a message costs beyond its text (role, separators), on the generous side. */
const TOKENS_PER_MESSAGE = 4;

/**
 * A conservative estimate: input tokens as UTF-8 bytes / 4 of every text the model reads (messages,
 * tool calls and results, tool definitions) plus a few per message; output tokens as the request's
 * limit (`max_completion_tokens`, `max_tokens`) or the allowance, times `n`; priced at the highest
 * input and output prices among the deployments that may answer, with no discount for cached input.
 */
export function estimateCall(
  request: ChatCompletionRequest,
  deployments: readonly Deployment[],
  outputAllowance: number,
): CallEstimate {
  const inputTokens =
    Math.ceil(Buffer.byteLength(promptText(request), 'utf8') / 4) +
    TOKENS_PER_MESSAGE * request.messages.length;
  const outputLimit = request.max_completion_tokens ?? request.max_tokens ?? outputAllowance;
  const outputTokens = outputLimit * (request.n ?? 1);
  let inputPrice = 0;
  let outputPrice = 0;
  for (const deployment of deployments) {
    const prices = pricesOf(deployment);
    if (prices === null) continue;
    inputPrice = Math.max(inputPrice, prices.inputPerToken, prices.cacheWritePerToken ?? 0);
    outputPrice = Math.max(outputPrice, prices.outputPerToken, prices.reasoningPerToken ?? 0);
  }
  return { inputTokens, outputTokens, costUsd: inputTokens * inputPrice + outputTokens * outputPrice };
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
