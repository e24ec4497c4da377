import type { TokenUsage } from '@switchyard/contracts';
import type { AnthropicUsage } from './anthropic-message';

/**
 * Canonical usage → Anthropic's: `input_tokens` is the input that was neither read from nor written
 * to the prompt cache (OpenAI's `prompt_tokens` minus `cached_tokens` and `cache_creation_tokens`).
 */
export function toAnthropicUsage(usage: TokenUsage): AnthropicUsage {
  return {
    input_tokens: usage.input.noCache,
    cache_creation_input_tokens: usage.input.cacheWrite,
    cache_read_input_tokens: usage.input.cacheRead,
    output_tokens: usage.output.total,
  };
}
