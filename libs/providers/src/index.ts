export * from './spec';
export { SseDecoder, decodeSse } from './sse-decoder';
export { adapterFor } from './registry';
export type { AdapterOptions } from './shared/adapter-options';
export { NON_REQUEST_PARAMS, requestDefaultsOf } from './shared/request-parameters';

export { OpenAIAdapter } from './openai/openai-adapter';
export { AnthropicAdapter } from './anthropic/anthropic-adapter';
export { GeminiAdapter } from './gemini/gemini-adapter';
export { MistralAdapter } from './mistral/mistral-adapter';

export { buildOpenAIProbeRequest, type OpenAIProbeMode } from './openai/openai-probe-request';
export { buildAnthropicProbeRequest } from './anthropic/anthropic-probe-request';
export { buildGeminiProbeRequest } from './gemini/gemini-probe-request';
export { buildMistralProbeRequest } from './mistral/mistral-probe-request';

export { toOpenAIUsage } from './usage/to-openai-usage';
export { convertOpenAIUsage } from './openai/convert-openai-usage';
export { convertAnthropicUsage } from './anthropic/convert-anthropic-usage';
export { convertGeminiUsage } from './gemini/convert-gemini-usage';
export { convertMistralUsage } from './mistral/convert-mistral-usage';

export { pricesOf, contextWindowOf, type ModelPrices } from './pricing/model-facts';
export { costOf } from './pricing/cost';
