import { Body, Controller, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import { withoutProviderFields } from '@switchyard/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { CompleteChat } from '../completion/complete-chat';
import { completedResponseHeaders, responseHeaders } from '../completion/response-headers';
import { callContextOf, clientGone } from '../http/call-context';
import { toGatewayError } from '../http/to-gateway-error';
import { parseChatRequest } from './parse-chat-request';
import { OpenAISseWriter } from './sse-writer';

/** `POST /v1/chat/completions` (and `/chat/completions`): JSON or OpenAI-framed SSE. */
@Controller()
@UseGuards(ApiKeyGuard)
export class ChatCompletionsController {
  constructor(@Inject(CompleteChat) private readonly completeChat: CompleteChat) {}

  @Post(['v1/chat/completions', 'chat/completions'])
  @HttpCode(200)
  async create(
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const chat = parseChatRequest(body);
    const context = callContextOf(request, 'chat', chat.user ?? null, chat.metadata ?? null);
    const signal = clientGone(reply);
    const call = await this.completeChat.resolve(chat, context);

    if (!chat.stream) {
      const result = await this.completeChat.complete(chat, call, context, signal);
      await reply
        .headers(completedResponseHeaders(result.meta, result.outcome, context.receivedAt))
        // a provider's own fields (provider_fields) are for its own surface, not OpenAI clients
        .send(withoutProviderFields(result.completion));
      return;
    }

    const answer = await this.completeChat.stream(chat, call, context, signal);
    const writer = new OpenAISseWriter(reply.raw, chat.stream_options?.include_usage === true);
    reply.hijack();
    writer.open(responseHeaders(answer.meta));
    try {
      for await (const part of answer.parts) {
        if (part.type === 'chunk') writer.chunk(part.chunk);
        else writer.done();
      }
    } catch (error) {
      writer.fail(toGatewayError(error));
    }
  }
}
