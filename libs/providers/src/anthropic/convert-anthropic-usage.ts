import type { TokenUsage } from '@switchyard/contracts';
import { tokenUsageOf } from '../usage/token-usage-of';
import type { AnthropicUsage } from './anthropic-wire';

/**
 * Anthropic usage → canonical. Anthropic's `input_tokens` EXCLUDES cached tokens, so the input
 * total is `input_tokens + cache_read_input_tokens + cache_creation_input_tokens`;
 * `output_tokens` includes thinking (`output_tokens_details.thinking_tokens`).
 */
export function convertAnthropicUsage(usage: AnthropicUsage): TokenUsage {
  return tokenUsageOf({
    noCache: usage.input_tokens ?? 0,
    cacheRead: usage.cache_read_input_tokens ?? 0,
    cacheWrite: usage.cache_creation_input_tokens ?? 0,
    output: usage.output_tokens ?? 0,
    reasoning: usage.output_tokens_details?.thinking_tokens ?? 0,
  });
}

/** Cumulative stream usage: `message_delta` counts replace the `message_start` ones they repeat. */
export function mergeAnthropicUsage(previous: AnthropicUsage, update: AnthropicUsage): AnthropicUsage {
  const merged: AnthropicUsage = { ...previous };
  if (update.input_tokens !== undefined && update.input_tokens !== null)
    merged.input_tokens = update.input_tokens;
  if (update.output_tokens !== undefined && update.output_tokens !== null)
    merged.output_tokens = update.output_tokens;
  if (update.cache_read_input_tokens !== undefined && update.cache_read_input_tokens !== null) {
    merged.cache_read_input_tokens = update.cache_read_input_tokens;
  }
  if (update.cache_creation_input_tokens !== undefined && update.cache_creation_input_tokens !== null) {
    merged.cache_creation_input_tokens = update.cache_creation_input_tokens;
  }
  if (update.output_tokens_details !== undefined && update.output_tokens_details !== null) {
    merged.output_tokens_details = update.output_tokens_details;
  }
  return merged;
}
