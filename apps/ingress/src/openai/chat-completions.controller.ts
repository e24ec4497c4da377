import { Body, Controller, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { CompleteChat } from '../completion/complete-chat';
import { completedResponseHeaders, responseHeaders } from '../completion/response-headers';
import { callContextOf, clientGone } from '../http/call-context';
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
    const resolved = await this.completeChat.resolve(chat, context);

    if (!chat.stream) {
      const result = await this.completeChat.complete(chat, resolved, context, signal);
      await reply
        .headers(completedResponseHeaders(result.meta, result.outcome, context.receivedAt))
        .send(result.completion);
      return;
    }

    const writer = new OpenAISseWriter(reply.raw, chat.stream_options?.include_usage === true);
    await new Promise<void>((resolve, reject) => {
      this.completeChat.stream(chat, resolved, context, signal, {
        open: (meta) => {
          reply.hijack();
          writer.open(responseHeaders(meta));
        },
        chunk: (chunk) => writer.chunk(chunk),
        close: () => {
          writer.done();
          resolve();
        },
        fail: (error, opened) => {
          if (!opened) return reject(error);
          writer.fail(error);
          resolve();
        },
      });
    });
  }
}
