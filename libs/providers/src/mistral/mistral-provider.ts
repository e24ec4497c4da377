import { defineProvider } from '../shared/define-provider';
import { parseOpenAICompatibleChatResponse } from '../openai/openai-chat-response';
import { OpenAIChatStreamParser } from '../openai/openai-chat-stream-parser';
import { parseOpenAICompatibleEmbeddingResponse } from '../openai/openai-embedding';
import { statusOfStreamError } from '../openai/openai-error';
import { convertMistralUsage } from './convert-mistral-usage';
import { mapMistralFinishReason } from './map-mistral-finish-reason';
import { buildMistralChatRequest } from './mistral-chat-request';
import { createMistralDeltaNormalizer, normalizeMistralMessage } from './mistral-chat-response';
import { buildMistralEmbeddingRequest } from './mistral-embedding';
import { mistralErrorFrom, parseMistralError } from './mistral-error';
import { buildMistralProbeRequest } from './mistral-probe-request';

/** Mistral's chat completions (OpenAI-like, with its own ids, tool choice and parameters) and embeddings. */
export const mistralProvider = defineProvider({
  kind: 'mistral',
  defaultBaseUrl: 'https://api.mistral.ai/v1',
  apiKeyEnv: 'MISTRAL_API_KEY',
  apiBaseEnv: 'MISTRAL_API_BASE',
  probeRequest: (target) => buildMistralProbeRequest(target),
  translators: (now) => ({
    chat: {
      buildRequest: (request, target, { stream }) => buildMistralChatRequest(request, target, stream),
      parseResponse: (body, target) =>
        parseOpenAICompatibleChatResponse(body, target, {
          normalizeMessage: normalizeMistralMessage,
          mapFinishReason: (value) => mapMistralFinishReason(value, target.provider),
          convertUsage: convertMistralUsage,
        }),
      createStreamParser: (target) =>
        new OpenAIChatStreamParser({
          provider: target.provider,
          errorFrom: (body) => mistralErrorFrom(statusOfStreamError(body), body, '', {}, target, now()),
          normalizeDelta: createMistralDeltaNormalizer(),
          mapFinishReason: (value) => mapMistralFinishReason(value, target.provider),
          convertUsage: convertMistralUsage,
        }),
    },
    embedding: {
      buildRequest: buildMistralEmbeddingRequest,
      parseResponse: (body, target) => parseOpenAICompatibleEmbeddingResponse(body, target),
    },
    parseError: (status, bodyText, headers, target) =>
      parseMistralError(status, bodyText, headers, target, now()),
  }),
});
