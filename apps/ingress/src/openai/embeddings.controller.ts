import { Body, Controller, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { CreateEmbeddings } from '../completion/create-embeddings';
import { completedResponseHeaders } from '../completion/response-headers';
import { callContextOf, clientGone } from '../http/call-context';
import { parseEmbeddingRequest } from './parse-chat-request';

/** `POST /v1/embeddings` (and `/embeddings`). */
@Controller()
@UseGuards(ApiKeyGuard)
export class EmbeddingsController {
  constructor(@Inject(CreateEmbeddings) private readonly createEmbeddings: CreateEmbeddings) {}

  @Post(['v1/embeddings', 'embeddings'])
  @HttpCode(200)
  async create(
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const embedding = parseEmbeddingRequest(body);
    const context = callContextOf(request, 'embeddings', embedding.user ?? null, null);
    const result = await this.createEmbeddings.execute(embedding, context, clientGone(reply));
    await reply
      .headers(completedResponseHeaders(result.meta, result.outcome, context.receivedAt))
      .send(result.response);
  }
}
