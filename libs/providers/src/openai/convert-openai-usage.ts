import type { TokenUsage } from '@switchyard/contracts';
import type { ReasoningTokensRule } from '../usage/reasoning-tokens-rule';
import { isRecord } from '../shared/json';
import { tokenUsageOf } from '../usage/token-usage-of';

function numberOf(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** The first of several places a vendor may put one count (0 when none has it). */
function firstCount(...values: unknown[]): number {
  for (const value of values) if (typeof value === 'number' && Number.isFinite(value)) return value;
  return 0;
}

/**
 * OpenAI usage → canonical. `prompt_tokens` includes the cached tokens: OpenAI's
 * `prompt_tokens_details.cached_tokens`, or what OpenAI-compatible vendors report in its place
 * (DeepSeek's `prompt_cache_hit_tokens`, Moonshot's top-level `cached_tokens`);
 * `cache_creation_tokens` / `cache_write_tokens` for writes.
 *
 * Reasoning (`completion_tokens_details.reasoning_tokens`) follows the provider's rule: with
 * `included` (OpenAI's) `completion_tokens` counts it; with `separate` (xAI) it does not, and the
 * billed output is completion + reasoning. A usage that reports more reasoning than completion
 * under `included` cannot be OpenAI's rule, so it is read as `separate`: billed tokens are never
 * capped away.
 */
export function convertOpenAIUsage(usage: unknown, rule: ReasoningTokensRule = 'included'): TokenUsage {
  const record = isRecord(usage) ? usage : {};
  const promptDetails = isRecord(record.prompt_tokens_details) ? record.prompt_tokens_details : {};
  const completionDetails = isRecord(record.completion_tokens_details)
    ? record.completion_tokens_details
    : {};
  const prompt = numberOf(record.prompt_tokens);
  const cacheRead = firstCount(
    promptDetails.cached_tokens,
    record.prompt_cache_hit_tokens,
    record.cached_tokens,
  );
  const cacheWrite = firstCount(promptDetails.cache_creation_tokens, promptDetails.cache_write_tokens);
  const completion = numberOf(record.completion_tokens);
  const reasoning = numberOf(completionDetails.reasoning_tokens);
  const separate = rule === 'separate' || reasoning > completion;
  return tokenUsageOf({
    noCache: Math.max(0, prompt - cacheRead - cacheWrite),
    cacheRead,
    cacheWrite,
    output: separate ? completion + reasoning : completion,
    reasoning,
  });
}
