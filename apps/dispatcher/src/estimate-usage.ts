import { countRequestTokens, countTextTokens } from '@switchyard/complexity/request-tokens';
import { countTokensOfTexts } from '@switchyard/complexity/tokenizer';
import type { ChatCompletionRequest, EmbeddingRequest, TokenUsage } from '@switchyard/contracts';

/** What reached the dispatcher of an attempt's output before it ended. */
export interface ReceivedOutput {
  /** the answer's text and tool-call arguments. */
  text: string;
  /** the reasoning the provider streamed (`reasoning_content`). */
  reasoning: string;
}

export const NOTHING_RECEIVED: ReceivedOutput = Object.freeze({ text: '', reasoning: '' });

/**
 * Usage for an attempt that ended without the provider's own count (a stream cut before its
 * usage, a call cancelled or timed out after it was sent): the prompt counted with the bounded
 * o200k count (the router's capacity check counts the same way), the output from what was received
 * (reasoning counted as reasoning tokens within the output). Marked as estimated on the usage event.
 */
export async function estimateUsage(
  request: ChatCompletionRequest,
  received: ReceivedOutput,
  known: TokenUsage | null,
): Promise<TokenUsage> {
  const knownInput = known !== null && known.input.total > 0 ? known.input : null;
  const inputTotal = knownInput?.total ?? (await countRequestTokens(request));
  const reasoning = await countTextTokens(received.reasoning);
  const answer = await countTextTokens(received.text);
  const outputTotal = Math.max(known?.output.total ?? 0, answer + reasoning);
  return {
    input: knownInput ?? { total: inputTotal, noCache: inputTotal, cacheRead: 0, cacheWrite: 0 },
    output: { total: outputTotal, reasoning: Math.max(known?.output.reasoning ?? 0, reasoning) },
  };
}

/**
 * Usage of an embeddings call whose provider reports no token counts: the text inputs counted with
 * the same bounded count (token-array inputs are their own count). Marked as estimated.
 */
export async function estimateEmbeddingUsage(request: EmbeddingRequest): Promise<TokenUsage> {
  const inputs: readonly (string | number | readonly number[])[] =
    typeof request.input === 'string' ? [request.input] : request.input;
  const texts: string[] = [];
  let total = 0;
  for (const input of inputs) {
    if (typeof input === 'string') texts.push(input);
    else if (typeof input === 'number') total += 1;
    else total += input.length;
  }
  total += await countTokensOfTexts(texts);
  return {
    input: { total, noCache: total, cacheRead: 0, cacheWrite: 0 },
    output: { total: 0, reasoning: 0 },
  };
}

/** The texts of a Responses body the model reads (reasoning's `encrypted_content` is opaque, not text). */
function responsesTexts(value: unknown, texts: string[]): void {
  if (typeof value === 'string') texts.push(value);
  else if (Array.isArray(value)) for (const item of value) responsesTexts(item, texts);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, field] of Object.entries(value))
      if (key !== 'encrypted_content') responsesTexts(field, texts);
  }
}

/**
 * `estimateUsage` for a Responses call: the prompt is every text of `instructions`, `input` and
 * `tools`, counted the same bounded way.
 */
export async function estimateResponsesUsage(
  body: Readonly<Record<string, unknown>>,
  received: ReceivedOutput,
  known: TokenUsage | null,
): Promise<TokenUsage> {
  const knownInput = known !== null && known.input.total > 0 ? known.input : null;
  const texts: string[] = [];
  if (knownInput === null) responsesTexts([body.instructions, body.input, body.tools], texts);
  const inputTotal = knownInput?.total ?? (await countTokensOfTexts(texts));
  const reasoning = await countTextTokens(received.reasoning);
  const answer = await countTextTokens(received.text);
  return {
    input: knownInput ?? { total: inputTotal, noCache: inputTotal, cacheRead: 0, cacheWrite: 0 },
    output: {
      total: Math.max(known?.output.total ?? 0, answer + reasoning),
      reasoning: Math.max(known?.output.reasoning ?? 0, reasoning),
    },
  };
}
