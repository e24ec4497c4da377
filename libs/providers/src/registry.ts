import type { ProviderKind } from '@switchyard/config';
import { AnthropicAdapter } from './anthropic/anthropic-adapter';
import { GeminiAdapter } from './gemini/gemini-adapter';
import { MistralAdapter } from './mistral/mistral-adapter';
import { OpenAIAdapter } from './openai/openai-adapter';
import type { ProviderAdapter } from './spec';

/** Adapters are stateless (stream state lives in each parser), so one of each serves every call. */
const ADAPTERS: Readonly<Record<ProviderKind, ProviderAdapter>> = {
  openai: new OpenAIAdapter(),
  anthropic: new AnthropicAdapter(),
  gemini: new GeminiAdapter(),
  mistral: new MistralAdapter(),
};

/** The adapter for a wire format; custom providers from providers.json are `openai`. */
export function adapterFor(kind: ProviderKind): ProviderAdapter {
  return ADAPTERS[kind];
}
