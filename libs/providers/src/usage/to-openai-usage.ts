import type { OpenAIUsage, TokenUsage } from '@switchyard/contracts';

/** Canonical usage → OpenAI's usage object (cached prompt tokens and reasoning tokens in the details). */
export function toOpenAIUsage(usage: TokenUsage): OpenAIUsage {
  return {
    prompt_tokens: usage.input.total,
    completion_tokens: usage.output.total,
    total_tokens: usage.input.total + usage.output.total,
    prompt_tokens_details: {
      cached_tokens: usage.input.cacheRead,
      ...(usage.input.cacheWrite > 0 ? { cache_creation_tokens: usage.input.cacheWrite } : {}),
    },
    completion_tokens_details: { reasoning_tokens: usage.output.reasoning },
  };
}
