import { countRequestTokens, countTextTokens } from '@switchyard/complexity/request-tokens';
import type { ChatCompletionRequest, EmbeddingRequest, TokenUsage } from '@switchyard/contracts';

/**
 * Usage for an attempt whose stream was cut before the provider reported it: the prompt counted
 * with a real tokenizer (o200k, the same count as the router's capacity check), the output from
 * the text that did reach the client. Marked as estimated on the usage event.
 */
export function estimateUsage(
  request: ChatCompletionRequest,
  streamedText: string,
  known: TokenUsage | null,
): TokenUsage {
  const knownInput = known !== null && known.input.total > 0 ? known.input : null;
  const inputTotal = knownInput?.total ?? countRequestTokens(request);
  const outputTotal = Math.max(known?.output.total ?? 0, countTextTokens(streamedText));
  return {
    input: knownInput ?? { total: inputTotal, noCache: inputTotal, cacheRead: 0, cacheWrite: 0 },
    output: { total: outputTotal, reasoning: known?.output.reasoning ?? 0 },
  };
}

/**
 * Usage of an embeddings call whose provider reports no token counts: the text inputs counted with
 * the same tokenizer (token-array inputs are their own count). Marked as estimated.
 */
export function estimateEmbeddingUsage(request: EmbeddingRequest): TokenUsage {
  const inputs: readonly (string | number | readonly number[])[] =
    typeof request.input === 'string' ? [request.input] : request.input;
  let total = 0;
  for (const input of inputs) {
    if (typeof input === 'string') total += countTextTokens(input);
    else if (typeof input === 'number') total += 1;
    else total += input.length;
  }
  return {
    input: { total, noCache: total, cacheRead: 0, cacheWrite: 0 },
    output: { total: 0, reasoning: 0 },
  };
}
