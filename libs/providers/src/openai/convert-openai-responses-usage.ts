import type { TokenUsage } from '@switchyard/contracts';
import { isRecord } from '../shared/json';
import { tokenUsageOf } from '../usage/token-usage-of';

function numberOf(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/**
 * Responses usage → canonical. `input_tokens` includes `input_tokens_details.cached_tokens`;
 * `output_tokens` includes `output_tokens_details.reasoning_tokens` (OpenAI's rule).
 */
export function convertOpenAIResponsesUsage(usage: unknown): TokenUsage {
  const record = isRecord(usage) ? usage : {};
  const inputDetails = isRecord(record.input_tokens_details) ? record.input_tokens_details : {};
  const outputDetails = isRecord(record.output_tokens_details) ? record.output_tokens_details : {};
  const input = numberOf(record.input_tokens);
  const cacheRead = Math.min(input, numberOf(inputDetails.cached_tokens));
  return tokenUsageOf({
    noCache: input - cacheRead,
    cacheRead,
    output: numberOf(record.output_tokens),
    reasoning: numberOf(outputDetails.reasoning_tokens),
  });
}
