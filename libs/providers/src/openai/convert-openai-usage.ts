import type { TokenUsage } from '@switchyard/contracts';
import { isRecord } from '../shared/json';
import { tokenUsageOf } from '../usage/token-usage-of';

function numberOf(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/**
 * OpenAI usage → canonical. `prompt_tokens` includes the cached tokens
 * (`prompt_tokens_details.cached_tokens`) and `completion_tokens` includes the reasoning tokens
 * (`completion_tokens_details.reasoning_tokens`). Also reads what OpenAI-compatible providers
 * report in its place: DeepSeek's `prompt_cache_hit_tokens`, `cache_creation_tokens` /
 * `cache_write_tokens` for writes.
 */
export function convertOpenAIUsage(usage: unknown): TokenUsage {
  const record = isRecord(usage) ? usage : {};
  const promptDetails = isRecord(record.prompt_tokens_details) ? record.prompt_tokens_details : {};
  const completionDetails = isRecord(record.completion_tokens_details)
    ? record.completion_tokens_details
    : {};
  const prompt = numberOf(record.prompt_tokens);
  const cacheRead = numberOf(promptDetails.cached_tokens ?? record.prompt_cache_hit_tokens);
  const cacheWrite = numberOf(promptDetails.cache_creation_tokens ?? promptDetails.cache_write_tokens);
  return tokenUsageOf({
    noCache: Math.max(0, prompt - cacheRead - cacheWrite),
    cacheRead,
    cacheWrite,
    output: numberOf(record.completion_tokens),
    reasoning: numberOf(completionDetails.reasoning_tokens),
  });
}
