import type { TokenUsage } from '@switchyard/contracts';
import { defineProvider } from '../shared/define-provider';
import type { UpstreamTarget } from '../shared/spec';
import { convertOpenAIUsage } from './convert-openai-usage';
import { buildOpenAIChatRequest } from './openai-chat-request';
import { parseOpenAICompatibleChatResponse } from './openai-chat-response';
import { OpenAIChatStreamParser } from './openai-chat-stream-parser';
import { buildOpenAIEmbeddingRequest, parseOpenAICompatibleEmbeddingResponse } from './openai-embedding';
import { openAIErrorFrom, parseOpenAIError, statusOfStreamError } from './openai-error';
import { buildOpenAIProbeRequest } from './openai-probe-request';
import { buildOpenAIResponsesRequest } from './openai-responses-request';
import { parseOpenAIResponsesResponse } from './openai-responses-response';
import { OpenAIResponsesStreamParser } from './openai-responses-stream-parser';

/**
 * OpenAI's Chat Completions and embeddings, and every custom OpenAI-compatible provider from
 * providers.json (same wire format; `target.provider` names it, `target.paramMappings` renames
 * parameters). Its `responses` capability calls the native Responses API (`POST /responses`).
 */
export const openAIProvider = defineProvider({
  kind: 'openai',
  defaultBaseUrl: 'https://api.openai.com/v1',
  apiKeyEnv: 'OPENAI_API_KEY',
  apiBaseEnv: 'OPENAI_API_BASE',
  probeRequest: (target, { custom }) => buildOpenAIProbeRequest(target, custom ? 'list' : 'retrieve'),
  translators: (now) => ({
    chat: {
      buildRequest: (request, target, { stream }) => buildOpenAIChatRequest(request, target, stream),
      parseResponse: (body, target) =>
        parseOpenAICompatibleChatResponse(body, target, { convertUsage: usageConverterOf(target) }),
      createStreamParser: (target) =>
        new OpenAIChatStreamParser({
          provider: target.provider,
          errorFrom: (body) => openAIErrorFrom(statusOfStreamError(body), body, '', {}, target, now()),
          convertUsage: usageConverterOf(target),
        }),
    },
    embedding: {
      buildRequest: buildOpenAIEmbeddingRequest,
      parseResponse: (body, target) => parseOpenAICompatibleEmbeddingResponse(body, target),
    },
    responses: {
      buildRequest: (body, target, { stream }) => buildOpenAIResponsesRequest(body, target, stream),
      parseResponse: (body, target) =>
        parseOpenAIResponsesResponse(body, target, (error) => streamErrorOf(error, target, now())),
      createStreamParser: (target) =>
        new OpenAIResponsesStreamParser(target.provider, (error) => streamErrorOf(error, target, now())),
    },
    parseError: (status, bodyText, headers, target) =>
      parseOpenAIError(status, bodyText, headers, target, now()),
  }),
});

/** Usage under the provider's reasoning-token rule (providers.json `reasoning_tokens`). */
function usageConverterOf(target: UpstreamTarget): (usage: unknown) => TokenUsage {
  return (usage) => convertOpenAIUsage(usage, target.reasoningTokens ?? 'included');
}

/** An error that arrived inside a 2xx answer (`{"error": …}`), with the status its type stands for. */
function streamErrorOf(body: Record<string, unknown>, target: UpstreamTarget, nowMs: number) {
  return openAIErrorFrom(statusOfStreamError(body), body, '', {}, target, nowMs);
}
