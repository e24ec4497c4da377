import type { ChatCompletionRequest, EmbeddingRequest, GatewayError } from '@switchyard/contracts';
import { clockOf, unixSeconds, type AdapterOptions } from '../shared/adapter-options';
import type {
  ChatResult,
  ChatStreamParser,
  EmbeddingResult,
  ProviderAdapter,
  UpstreamHttpRequest,
  UpstreamTarget,
} from '../spec';
import { buildGeminiChatRequest } from './gemini-chat-request';
import { parseGeminiChatResponse } from './gemini-chat-response';
import { GeminiChatStreamParser } from './gemini-chat-stream-parser';
import { buildGeminiEmbeddingRequest, parseGeminiEmbeddingResponse } from './gemini-embedding';
import { parseGeminiError } from './gemini-error';

/** Google's Gemini API (`generateContent`, `streamGenerateContent?alt=sse`, `batchEmbedContents`). */
export class GeminiAdapter implements ProviderAdapter {
  readonly kind = 'gemini' as const;
  private readonly now: () => number;

  constructor(options: AdapterOptions = {}) {
    this.now = clockOf(options);
  }

  buildChatRequest(
    request: ChatCompletionRequest,
    target: UpstreamTarget,
    options: { stream: boolean },
  ): UpstreamHttpRequest {
    return buildGeminiChatRequest(request, target, options.stream);
  }

  parseChatResponse(body: unknown, target: UpstreamTarget): ChatResult {
    return parseGeminiChatResponse(body, target, unixSeconds(this.now()));
  }

  createChatStreamParser(target: UpstreamTarget): ChatStreamParser {
    return new GeminiChatStreamParser(target, unixSeconds(this.now()), this.now);
  }

  buildEmbeddingRequest(request: EmbeddingRequest, target: UpstreamTarget): UpstreamHttpRequest {
    return buildGeminiEmbeddingRequest(request, target);
  }

  parseEmbeddingResponse(body: unknown, target: UpstreamTarget, request?: EmbeddingRequest): EmbeddingResult {
    return parseGeminiEmbeddingResponse(body, target, request?.encoding_format);
  }

  parseError(
    status: number,
    bodyText: string,
    headers: Readonly<Record<string, string>>,
    target: UpstreamTarget,
  ): GatewayError {
    return parseGeminiError(status, bodyText, headers, target, this.now());
  }
}
