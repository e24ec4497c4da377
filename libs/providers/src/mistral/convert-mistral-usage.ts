import type { TokenUsage } from '@switchyard/contracts';
import { convertOpenAIUsage } from '../openai/convert-openai-usage';
import { isRecord } from '../shared/json';

/**
 * Mistral usage is OpenAI's (`prompt_tokens` includes cached tokens); cached prompt tokens come in
 * `prompt_tokens_details.cached_tokens` or, in older responses, `num_cached_tokens`.
 */
export function convertMistralUsage(usage: unknown): TokenUsage {
  if (
    !isRecord(usage) ||
    typeof usage.num_cached_tokens !== 'number' ||
    isRecord(usage.prompt_tokens_details)
  ) {
    return convertOpenAIUsage(usage);
  }
  return convertOpenAIUsage({ ...usage, prompt_tokens_details: { cached_tokens: usage.num_cached_tokens } });
}
