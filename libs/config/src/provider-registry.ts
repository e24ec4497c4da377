import { PROVIDERS, type ProviderKind } from '@switchyard/providers/registry';
import type { ReasoningTokensRule } from '@switchyard/providers/usage/reasoning-tokens-rule';
import type { CustomProviderSpec, ProvidersFile } from './providers-file';

export type { ProviderKind };

export interface ProviderDefinition {
  /** the provider instance name: `openai`, `anthropic`, … or a custom name such as `opencodego`. */
  name: string;
  kind: ProviderKind;
  defaultBaseUrl: string;
  /** environment variable holding the key when a deployment names none. */
  apiKeyEnv: string;
  /** environment variable that overrides the base URL (providers.json `api_base_env`). */
  apiBaseEnv: string | null;
  custom: CustomProviderSpec | null;
  /** how the provider's usage counts reasoning tokens (OpenAI-style usage only). */
  reasoningTokens: ReasoningTokensRule;
}

/**
 * OpenAI-compatible vendors whose usage does not follow OpenAI's rule, by `base_url` host.
 * xAI: `completion_tokens` excludes `reasoning_tokens` (total_tokens = prompt + completion +
 * reasoning). Vendors checked to follow OpenAI's rule (reasoning inside completion): DeepSeek,
 * Alibaba (DashScope), Groq, Moonshot, Mistral; Perplexity reports no reasoning tokens.
 */
export const KNOWN_REASONING_TOKENS_RULES: Readonly<Record<string, ReasoningTokensRule>> = {
  'api.x.ai': 'separate',
};

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

/**
 * The rule of the host a deployment actually calls (`api_base` of an `openai/…` deployment that
 * points at xAI, say), else the provider's own.
 */
export function reasoningTokensRuleAt(
  apiBase: string,
  providerRule: ReasoningTokensRule,
): ReasoningTokensRule {
  return KNOWN_REASONING_TOKENS_RULES[hostOf(apiBase)] ?? providerRule;
}

/** providers.json `reasoning_tokens`, else the known vendor's rule, else OpenAI's (`included`). */
export function reasoningTokensRuleOf(spec: CustomProviderSpec): ReasoningTokensRule {
  return spec.reasoning_tokens ?? KNOWN_REASONING_TOKENS_RULES[hostOf(spec.base_url)] ?? 'included';
}

/** One built-in provider instance per wire format, named after it (`openai/…`, `anthropic/…`). */
export const BUILT_IN_PROVIDERS: readonly ProviderDefinition[] = PROVIDERS.map((provider) => ({
  name: provider.kind,
  kind: provider.kind,
  defaultBaseUrl: provider.defaultBaseUrl,
  apiKeyEnv: provider.apiKeyEnv,
  apiBaseEnv: provider.apiBaseEnv,
  custom: null,
  reasoningTokens: 'included',
}));

export class ProviderRegistry {
  private readonly byName = new Map<string, ProviderDefinition>();

  constructor(customProviders: ProvidersFile = {}) {
    for (const provider of BUILT_IN_PROVIDERS) this.byName.set(provider.name, provider);
    for (const [name, spec] of Object.entries(customProviders)) {
      this.byName.set(name, {
        name,
        kind: 'openai',
        defaultBaseUrl: spec.base_url,
        apiKeyEnv: spec.api_key_env,
        apiBaseEnv: spec.api_base_env ?? null,
        custom: spec,
        reasoningTokens: reasoningTokensRuleOf(spec),
      });
    }
  }

  get(name: string): ProviderDefinition | undefined {
    return this.byName.get(name);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }
}
