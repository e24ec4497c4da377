import type { TokenUsage } from '@switchyard/contracts';
import { tokenUsageOf } from '../usage/token-usage-of';
import type { GeminiUsageMetadata } from './gemini-wire';

/**
 * Gemini `usageMetadata` → canonical. `promptTokenCount` INCLUDES `cachedContentTokenCount`
 * (noCache = prompt − cached); tool-use prompt tokens are billed as fresh input;
 * `candidatesTokenCount` EXCLUDES `thoughtsTokenCount` (output = candidates + thoughts, reasoning = thoughts).
 */
export function convertGeminiUsage(usage: GeminiUsageMetadata): TokenUsage {
  const prompt = usage.promptTokenCount ?? 0;
  const cached = Math.min(usage.cachedContentTokenCount ?? 0, prompt);
  const thoughts = usage.thoughtsTokenCount ?? 0;
  return tokenUsageOf({
    noCache: prompt - cached + (usage.toolUsePromptTokenCount ?? 0),
    cacheRead: cached,
    output: (usage.candidatesTokenCount ?? 0) + thoughts,
    reasoning: thoughts,
  });
}
