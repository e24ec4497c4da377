import { anthropicProvider } from './anthropic/anthropic-provider';
import { geminiProvider } from './gemini/gemini-provider';
import { mistralProvider } from './mistral/mistral-provider';
import { openAIProvider } from './openai/openai-provider';
import type { Provider } from './shared/spec';

/**
 * Every wire format the gateway speaks, one line each (docs/providers.md: adding one). Providers
 * are stateless (stream state lives in each parser), so one of each serves every call.
 */
export const PROVIDERS = [openAIProvider, anthropicProvider, geminiProvider, mistralProvider] as const;

/** The wire formats: `openai | anthropic | gemini | mistral`. Custom providers from providers.json are `openai`. */
export type ProviderKind = (typeof PROVIDERS)[number]['kind'];

export const PROVIDER_KINDS: readonly [ProviderKind, ...ProviderKind[]] = [
  PROVIDERS[0].kind,
  ...PROVIDERS.slice(1).map((provider) => provider.kind),
];

const BY_KIND: ReadonlyMap<string, Provider<ProviderKind>> = new Map(
  PROVIDERS.map((provider) => [provider.kind, provider]),
);

/** The provider of a wire format. */
export function providerFor(kind: ProviderKind): Provider<ProviderKind> {
  const provider = BY_KIND.get(kind);
  if (!provider) throw new Error(`no provider speaks the ${kind} wire format`);
  return provider;
}
