import type { CustomProviderSpec, ProvidersFile } from './providers-file';

/** The wire formats Switchyard speaks. */
export type ProviderKind = 'openai' | 'anthropic' | 'gemini' | 'mistral';

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
}

export const BUILT_IN_PROVIDERS: readonly ProviderDefinition[] = [
  {
    name: 'openai',
    kind: 'openai',
    defaultBaseUrl: 'https://api.openai.com/v1',
    apiKeyEnv: 'OPENAI_API_KEY',
    apiBaseEnv: 'OPENAI_API_BASE',
    custom: null,
  },
  {
    name: 'anthropic',
    kind: 'anthropic',
    defaultBaseUrl: 'https://api.anthropic.com',
    apiKeyEnv: 'ANTHROPIC_API_KEY',
    apiBaseEnv: 'ANTHROPIC_API_BASE',
    custom: null,
  },
  {
    name: 'gemini',
    kind: 'gemini',
    defaultBaseUrl: 'https://generativelanguage.googleapis.com',
    apiKeyEnv: 'GEMINI_API_KEY',
    apiBaseEnv: 'GEMINI_API_BASE',
    custom: null,
  },
  {
    name: 'mistral',
    kind: 'mistral',
    defaultBaseUrl: 'https://api.mistral.ai/v1',
    apiKeyEnv: 'MISTRAL_API_KEY',
    apiBaseEnv: 'MISTRAL_API_BASE',
    custom: null,
  },
];

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
