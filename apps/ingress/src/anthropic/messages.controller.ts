import { Body, Controller, HttpCode, Inject, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { CompleteChat } from '../completion/complete-chat';
import { completedResponseHeaders, responseHeaders } from '../completion/response-headers';
import { callContextOf, clientGone } from '../http/call-context';
import { toGatewayError } from '../http/to-gateway-error';
import { AnthropicExceptionFilter } from './anthropic-exception.filter';
import { AnthropicSseWriter } from './anthropic-sse-writer';
import { AnthropicStreamTranslator } from './anthropic-stream-translator';
import { claudeCodeSessionId } from './claude-code-session';
import { CountMessageTokens } from './count-message-tokens';
import { estimateInputTokens } from './estimate-input-tokens';
import { parseAnthropicMessagesRequest, parseAnthropicTokenCountRequest } from './parse-anthropic-request';
import { toAnthropicMessage } from './to-anthropic-message';
import { toChatCompletionRequest, wantsThinking } from './to-chat-completion-request';

/**
 * Anthropic's Messages API (`POST /v1/messages`, also `/messages`) in front of every model and
 * router: the request is translated to the canonical one and completed exactly as on the OpenAI
 * surface (admission, routing, fallbacks, usage), then translated back to JSON or Anthropic SSE.
 */
@Controller()
@UseGuards(ApiKeyGuard)
@UseFilters(AnthropicExceptionFilter)
export class MessagesController {
  constructor(
    @Inject(CompleteChat) private readonly completeChat: CompleteChat,
    @Inject(CountMessageTokens) private readonly countMessageTokens: CountMessageTokens,
  ) {}

  @Post(['v1/messages', 'messages'])
  @HttpCode(200)
  async create(
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const messages = parseAnthropicMessagesRequest(body);
    const chat = toChatCompletionRequest(messages);
    const context = callContextOf(request, 'messages', chat.user ?? null, null);
    context.sessionId ??= claudeCodeSessionId(request.headers);
    const options = {
      requestedModel: messages.model,
      callId: context.callId,
      includeThinking: wantsThinking(messages),
    };
    const signal = clientGone(reply);
    const call = await this.completeChat.resolve(chat, context);

    if (!chat.stream) {
      const result = await this.completeChat.complete(chat, call, context, signal);
      await reply
        .headers({
          ...completedResponseHeaders(result.meta, result.outcome, context.receivedAt),
          'request-id': context.callId,
        })
        .send(toAnthropicMessage(result.completion, result.outcome.usage, options));
      return;
    }

    const answer = await this.completeChat.stream(chat, call, context, signal);
    const writer = new AnthropicSseWriter(reply.raw);
    const translator = new AnthropicStreamTranslator({
      ...options,
      estimatedInputTokens: estimateInputTokens(chat),
    });
    reply.hijack();
    writer.open({ ...responseHeaders(answer.meta), 'request-id': context.callId });
    try {
      for await (const part of answer.parts) {
        if (part.type === 'chunk') writer.write(translator.push(part.chunk));
        else writer.end(translator.finish(part.outcome.usage));
      }
    } catch (error) {
      writer.fail(toGatewayError(error));
    }
  }

  @Post(['v1/messages/count_tokens', 'messages/count_tokens'])
  @HttpCode(200)
  countTokens(@Body() body: unknown, @Req() request: FastifyRequest): Promise<{ input_tokens: number }> {
    const count = parseAnthropicTokenCountRequest(body);
    return this.countMessageTokens.execute(count, callContextOf(request, 'messages', null, null));
  }
}
