import { ReasoningTokensRule } from '@switchyard/providers/usage/reasoning-tokens-rule';
import { z } from 'zod';

export { ReasoningTokensRule };

/**
 * `providers.json`: custom OpenAI-compatible providers, in LiteLLM's format
 * (`litellm/llms/openai_like/providers.json`). Unknown fields are an error. `reasoning_tokens` is
 * Switchyard's own field (see `ReasoningTokensRule`); when absent, the rule of a known vendor
 * (by `base_url` host, `KNOWN_REASONING_TOKENS_RULES`) or else OpenAI's applies.
 */
export const CustomProviderSpec = z.strictObject({
  base_url: z.url({ message: 'must be an http(s) URL' }),
  api_key_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name'),
  api_base_env: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name')
    .optional(),
  base_class: z.enum(['openai_gpt', 'openai_like']).optional(),
  param_mappings: z.record(z.string(), z.string()).optional(),
  constraints: z.record(z.string(), z.unknown()).optional(),
  special_handling: z.record(z.string(), z.unknown()).optional(),
  reasoning_tokens: ReasoningTokensRule.optional(),
});
export type CustomProviderSpec = z.infer<typeof CustomProviderSpec>;

export const ProvidersFile = z.record(
  z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'provider names are lowercase letters, digits, - and _'),
  CustomProviderSpec,
);
export type ProvidersFile = z.infer<typeof ProvidersFile>;
