import type { TokenUsage } from '@switchyard/contracts';
import { tokenUsageOf } from '../usage/token-usage-of';
import type { AnthropicUsage } from './anthropic-wire';

type Counted = 'input_tokens' | 'output_tokens' | 'cache_read_input_tokens' | 'cache_creation_input_tokens';

/**
 * Anthropic usage → canonical. Anthropic's `input_tokens` EXCLUDES cached tokens, so the input
 * total is `input_tokens + cache_read_input_tokens + cache_creation_input_tokens`;
 * `output_tokens` includes thinking (`output_tokens_details.thinking_tokens`).
 *
 * `usage.iterations` (compaction, the advisor tool, server-side fallback): every sampling pass is
 * billed, while the top-level counts cover only the final message pass; the billed counts are the
 * sums over the iterations. (Passes that ran on another model, advisor or fallback, are counted
 * here at the deployment's prices: canonical usage has no per-model split.)
 */
export function convertAnthropicUsage(usage: AnthropicUsage): TokenUsage {
  const passes = usage.iterations && usage.iterations.length > 0 ? usage.iterations : [usage];
  const sum = (field: Counted) => passes.reduce((total, pass) => total + (pass[field] ?? 0), 0);
  return tokenUsageOf({
    noCache: sum('input_tokens'),
    cacheRead: sum('cache_read_input_tokens'),
    cacheWrite: sum('cache_creation_input_tokens'),
    output: sum('output_tokens'),
    reasoning: usage.output_tokens_details?.thinking_tokens ?? 0,
  });
}

/** Cumulative stream usage: `message_delta` counts (and iterations) replace the `message_start` ones they repeat. */
export function mergeAnthropicUsage(previous: AnthropicUsage, update: AnthropicUsage): AnthropicUsage {
  const merged: AnthropicUsage = { ...previous };
  for (const field of [
    'input_tokens',
    'output_tokens',
    'cache_read_input_tokens',
    'cache_creation_input_tokens',
  ] as const) {
    const value = update[field];
    if (value !== undefined && value !== null) merged[field] = value;
  }
  if (update.output_tokens_details !== undefined && update.output_tokens_details !== null) {
    merged.output_tokens_details = update.output_tokens_details;
  }
  if (update.iterations !== undefined && update.iterations !== null) merged.iterations = update.iterations;
  return merged;
}
