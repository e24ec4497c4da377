import type { ChatCompletionRequest, EmbeddingRequest, GatewayError } from '@switchyard/contracts';
import { clockOf, unixSeconds, type AdapterOptions } from '../shared/adapter-options';
import { unsupportedRequest } from '../shared/upstream-error';
import type {
  ChatResult,
  ChatStreamParser,
  EmbeddingResult,
  ProviderAdapter,
  UpstreamHttpRequest,
  UpstreamTarget,
} from '../spec';
import { buildAnthropicChatRequest } from './anthropic-chat-request';
import { parseAnthropicChatResponse } from './anthropic-chat-response';
import { AnthropicChatStreamParser } from './anthropic-chat-stream-parser';
import { parseAnthropicError } from './anthropic-error';

/** Anthropic's Messages API (`POST {apiBase}/v1/messages`). Anthropic has no embeddings. */
export class AnthropicAdapter implements ProviderAdapter {
  readonly kind = 'anthropic' as const;
  private readonly now: () => number;

  constructor(options: AdapterOptions = {}) {
    this.now = clockOf(options);
  }

  buildChatRequest(
    request: ChatCompletionRequest,
    target: UpstreamTarget,
    options: { stream: boolean },
  ): UpstreamHttpRequest {
    return buildAnthropicChatRequest(request, target, options.stream);
  }

  parseChatResponse(body: unknown, target: UpstreamTarget): ChatResult {
    return parseAnthropicChatResponse(body, target, unixSeconds(this.now()));
  }

  createChatStreamParser(target: UpstreamTarget): ChatStreamParser {
    return new AnthropicChatStreamParser(target, unixSeconds(this.now()), this.now);
  }

  buildEmbeddingRequest(_request: EmbeddingRequest, target: UpstreamTarget): UpstreamHttpRequest {
    throw unsupportedRequest(target.provider, 'Anthropic has no embeddings API', 'model');
  }

  parseEmbeddingResponse(_body: unknown, target: UpstreamTarget): EmbeddingResult {
    throw unsupportedRequest(target.provider, 'Anthropic has no embeddings API', 'model');
  }

  parseError(
    status: number,
    bodyText: string,
    headers: Readonly<Record<string, string>>,
    target: UpstreamTarget,
  ): GatewayError {
    return parseAnthropicError(status, bodyText, headers, target, this.now());
  }
}
