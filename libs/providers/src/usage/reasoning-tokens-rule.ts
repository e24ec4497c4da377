import { z } from 'zod';

/**
 * How a provider's `completion_tokens` relates to `completion_tokens_details.reasoning_tokens`:
 * `included` (OpenAI's rule: completion counts the reasoning) or `separate` (xAI: completion leaves
 * the reasoning out, and the billed output is completion + reasoning).
 */
export const ReasoningTokensRule = z.enum(['included', 'separate']);
export type ReasoningTokensRule = z.infer<typeof ReasoningTokensRule>;
