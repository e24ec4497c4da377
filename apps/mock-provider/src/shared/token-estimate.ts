/**
 * THE USAGE RULES (deterministic; tests elsewhere compare against them):
 *
 * - text tokens of a string: `ceil(characters / 4)`.
 * - prompt tokens: `ceil(promptCharacters / 4) + 3 × messages`, where promptCharacters counts the
 *   system prompt, the text of every message (tool-call arguments and tool results included,
 *   images and other media not), and every tool definition (name + description + the JSON of its
 *   schema); the system prompt counts as one message.
 * - completion tokens: the text tokens of the reply text, or for a tool call
 *   `ceil((name.length + argumentsJson.length) / 4)`; reasoning tokens come on top.
 * - cached prompt tokens: when the prompt is at least 1024 tokens, the system prompt's text tokens
 *   rounded down to a multiple of 128 (else 0): OpenAI `prompt_tokens_details.cached_tokens`,
 *   Anthropic `cache_read_input_tokens`, Gemini `cachedContentTokenCount`.
 * - Anthropic cache writes: when the request carries `cache_control` and the prompt is at least
 *   1024 tokens, `floor((prompt − cached) / 256) × 128` (half of the uncached rest, rounded down to a
 *   multiple of 128); Anthropic's `input_tokens` is the prompt minus cache reads and writes.
 * - reasoning tokens: see `reasoningTokensForEffort`.
 */
export const CACHE_MINIMUM_PROMPT_TOKENS = 1024;
export const CACHE_GRANULARITY = 128;
export const TOKENS_PER_MESSAGE = 3;

export function textTokens(characters: number): number {
  return Math.ceil(characters / 4);
}

export function promptTokens(promptCharacters: number, messageCount: number): number {
  return textTokens(promptCharacters) + TOKENS_PER_MESSAGE * messageCount;
}

export function cachedPromptTokens(prompt: number, systemCharacters: number): number {
  if (prompt < CACHE_MINIMUM_PROMPT_TOKENS) return 0;
  const system = textTokens(systemCharacters);
  return Math.min(prompt, Math.floor(system / CACHE_GRANULARITY) * CACHE_GRANULARITY);
}

export function cacheWriteTokens(prompt: number, cached: number, cacheControl: boolean): number {
  if (!cacheControl || prompt < CACHE_MINIMUM_PROMPT_TOKENS) return 0;
  return Math.floor((prompt - cached) / (2 * CACHE_GRANULARITY)) * CACHE_GRANULARITY;
}

/**
 * Reasoning tokens by effort: minimal 16, low 32, medium 64, high 128, xhigh and max 256; an
 * unknown or unspecified effort counts as medium; `none` as 0. Requests ask for reasoning with
 * OpenAI `reasoning_effort`, Anthropic `thinking` (enabled or adaptive; effort from
 * `output_config.effort`) and Gemini `thinkingConfig` (`thinkingLevel`, or `thinkingBudget` ≠ 0).
 */
export function reasoningTokensForEffort(effort: string | undefined): number {
  switch ((effort ?? 'medium').toLowerCase()) {
    case 'none':
      return 0;
    case 'minimal':
      return 16;
    case 'low':
      return 32;
    case 'high':
      return 128;
    case 'xhigh':
    case 'max':
      return 256;
    default:
      return 64;
  }
}

/** Token counts of one mock reply, in the mock's own terms; each format renders them its way. */
export interface MockUsage {
  /** all prompt tokens, cached ones included. */
  promptTokens: number;
  /** prompt tokens served from cache. */
  cachedTokens: number;
  /** Anthropic only: prompt tokens written to cache. */
  cacheWriteTokens: number;
  /** visible output tokens (text or tool call), without reasoning. */
  outputTokens: number;
  reasoningTokens: number;
}
