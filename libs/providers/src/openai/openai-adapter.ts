import type {
  ChatCompletionRequest,
  EmbeddingRequest,
  GatewayError,
  TokenUsage,
} from '@switchyard/contracts';
import { clockOf, type AdapterOptions } from '../shared/adapter-options';
import type {
  ChatResult,
  ChatStreamParser,
  EmbeddingResult,
  ProviderAdapter,
  UpstreamHttpRequest,
  UpstreamTarget,
} from '../spec';
import { convertOpenAIUsage } from './convert-openai-usage';
import { buildOpenAIChatRequest } from './openai-chat-request';
import { parseOpenAICompatibleChatResponse } from './openai-chat-response';
import { OpenAIChatStreamParser } from './openai-chat-stream-parser';
import { buildOpenAIEmbeddingRequest, parseOpenAICompatibleEmbeddingResponse } from './openai-embedding';
import { openAIErrorFrom, parseOpenAIError, statusOfStreamError } from './openai-error';

/**
 * OpenAI's Chat Completions and embeddings, and every custom OpenAI-compatible provider from
 * providers.json (same wire format; `target.provider` names it, `target.paramMappings` renames
 * parameters).
 */
export class OpenAIAdapter implements ProviderAdapter {
  readonly kind = 'openai' as const;
  private readonly now: () => number;

  constructor(options: AdapterOptions = {}) {
    this.now = clockOf(options);
  }

  buildChatRequest(
    request: ChatCompletionRequest,
    target: UpstreamTarget,
    options: { stream: boolean },
  ): UpstreamHttpRequest {
    return buildOpenAIChatRequest(request, target, options.stream);
  }

  parseChatResponse(body: unknown, target: UpstreamTarget): ChatResult {
    return parseOpenAICompatibleChatResponse(body, target, { convertUsage: usageConverterOf(target) });
  }

  createChatStreamParser(target: UpstreamTarget): ChatStreamParser {
    return new OpenAIChatStreamParser({
      provider: target.provider,
      errorFrom: (body) => openAIErrorFrom(statusOfStreamError(body), body, '', {}, target, this.now()),
      convertUsage: usageConverterOf(target),
    });
  }

  buildEmbeddingRequest(request: EmbeddingRequest, target: UpstreamTarget): UpstreamHttpRequest {
    return buildOpenAIEmbeddingRequest(request, target);
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
    return parseOpenAIError(status, bodyText, headers, target, this.now());
  }
}

/** Usage under the provider's reasoning-token rule (providers.json `reasoning_tokens`). */
function usageConverterOf(target: UpstreamTarget): (usage: unknown) => TokenUsage {
  return (usage) => convertOpenAIUsage(usage, target.reasoningTokens ?? 'included');
}
