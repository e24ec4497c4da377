export * from './shared/spec';
export { SseDecoder, decodeSse } from './shared/sse-decoder';
export { PROVIDERS, PROVIDER_KINDS, providerFor, type ProviderKind } from './registry';
export { defineProvider } from './shared/define-provider';
export { ReasoningTokensRule } from './usage/reasoning-tokens-rule';
export { NON_REQUEST_PARAMS, requestDefaultsOf } from './shared/request-parameters';

export { openAIProvider } from './openai/openai-provider';
export { anthropicProvider } from './anthropic/anthropic-provider';
export { geminiProvider } from './gemini/gemini-provider';
export { mistralProvider } from './mistral/mistral-provider';

export { toOpenAIUsage } from './usage/to-openai-usage';
export { convertOpenAIUsage } from './openai/convert-openai-usage';
export { convertAnthropicUsage } from './anthropic/convert-anthropic-usage';
export { convertGeminiUsage } from './gemini/convert-gemini-usage';
export { convertMistralUsage } from './mistral/convert-mistral-usage';

export { pricesOf, contextWindowOf, type ModelPrices } from './pricing/model-facts';
export { costOf } from './pricing/cost';
