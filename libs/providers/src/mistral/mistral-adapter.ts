import type { ChatCompletionRequest, EmbeddingRequest, GatewayError } from '@switchyard/contracts';
import { parseOpenAICompatibleChatResponse } from '../openai/openai-chat-response';
import { OpenAIChatStreamParser } from '../openai/openai-chat-stream-parser';
import { parseOpenAICompatibleEmbeddingResponse } from '../openai/openai-embedding';
import { statusOfStreamError } from '../openai/openai-error';
import { clockOf, type AdapterOptions } from '../shared/adapter-options';
import type {
  ChatResult,
  ChatStreamParser,
  EmbeddingResult,
  ProviderAdapter,
  UpstreamHttpRequest,
  UpstreamTarget,
} from '../spec';
import { convertMistralUsage } from './convert-mistral-usage';
import { mapMistralFinishReason } from './map-mistral-finish-reason';
import { buildMistralChatRequest } from './mistral-chat-request';
import { createMistralDeltaNormalizer, normalizeMistralMessage } from './mistral-chat-response';
import { buildMistralEmbeddingRequest } from './mistral-embedding';
import { mistralErrorFrom, parseMistralError } from './mistral-error';

/** Mistral's chat completions (OpenAI-like, with its own ids, tool choice and parameters) and embeddings. */
export class MistralAdapter implements ProviderAdapter {
  readonly kind = 'mistral' as const;
  private readonly now: () => number;

  constructor(options: AdapterOptions = {}) {
    this.now = clockOf(options);
  }

  buildChatRequest(
    request: ChatCompletionRequest,
    target: UpstreamTarget,
    options: { stream: boolean },
  ): UpstreamHttpRequest {
    return buildMistralChatRequest(request, target, options.stream);
  }

  parseChatResponse(body: unknown, target: UpstreamTarget): ChatResult {
    return parseOpenAICompatibleChatResponse(body, target, {
      normalizeMessage: normalizeMistralMessage,
      mapFinishReason: (value) => mapMistralFinishReason(value, target.provider),
      convertUsage: convertMistralUsage,
    });
  }

  createChatStreamParser(target: UpstreamTarget): ChatStreamParser {
    return new OpenAIChatStreamParser({
      provider: target.provider,
      errorFrom: (body) => mistralErrorFrom(statusOfStreamError(body), body, '', {}, target, this.now()),
      normalizeDelta: createMistralDeltaNormalizer(),
      mapFinishReason: (value) => mapMistralFinishReason(value, target.provider),
      convertUsage: convertMistralUsage,
    });
  }

  buildEmbeddingRequest(request: EmbeddingRequest, target: UpstreamTarget): UpstreamHttpRequest {
    return buildMistralEmbeddingRequest(request, target);
  }

  parseEmbeddingResponse(body: unknown, target: UpstreamTarget): EmbeddingResult {
    return parseOpenAICompatibleEmbeddingResponse(body, target);
  }

  parseError(
    status: number,
    bodyText: string,
    headers: Readonly<Record<string, string>>,
    target: UpstreamTarget,
  ): GatewayError {
    return parseMistralError(status, bodyText, headers, target, this.now());
  }
}
