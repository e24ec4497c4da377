import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { completedResponseHeaders, responseHeaders } from '../completion/response-headers';
import { callContextOf, clientGone } from '../http/call-context';
import { requestContext } from '../http/request-context';
import { responsesSessionId } from './codex-session';
import { CreateResponse } from './create-response';
import { type InputItemsPage, listInputItems } from './list-input-items';
import { parseResponsesRequest } from './parse-responses-request';
import { ResponsesSseWriter } from './responses-sse-writer';
import { StoredResponses } from './stored-responses';

/** Names the hosted tools a request asked for that the answering path cannot run. */
const DROPPED_TOOLS_HEADER = 'x-switchyard-dropped-tools';

/**
 * OpenAI's Responses API (`/v1/responses`, also `/responses`) in front of every model and router:
 * `POST` as JSON or SSE through the completion pipeline, and the stored responses (`GET`,
 * `DELETE`, `GET …/input_items`). Errors are OpenAI's envelope (the global exception filter).
 */
@Controller()
@UseGuards(ApiKeyGuard)
export class ResponsesController {
  constructor(
    @Inject(CreateResponse) private readonly createResponse: CreateResponse,
    @Inject(StoredResponses) private readonly storedResponses: StoredResponses,
  ) {}

  @Post(['v1/responses', 'responses'])
  @HttpCode(200)
  async create(
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const parsed = parseResponsesRequest(body);
    const context = callContextOf(request, 'responses', parsed.user ?? null, parsed.metadata ?? null);
    context.sessionId ??= responsesSessionId(request.headers, parsed.prompt_cache_key);
    const signal = clientGone(reply);
    const prepared = await this.createResponse.prepare(parsed, context);

    if (parsed.stream !== true) {
      const result = await this.createResponse.json(prepared, context, signal);
      await reply
        .headers({
          ...completedResponseHeaders(result.meta, result.outcome, context.receivedAt),
          ...droppedToolsHeader(result.droppedTools),
        })
        .send(result.response);
      return;
    }

    const answer = await this.createResponse.stream(prepared, context, signal);
    const writer = new ResponsesSseWriter(reply.raw);
    reply.hijack();
    writer.open({ ...responseHeaders(answer.meta), ...droppedToolsHeader(answer.droppedTools) });
    for await (const events of answer.events) writer.write(events);
    writer.end([]);
  }

  @Get(['v1/responses/:id', 'responses/:id'])
  async retrieve(@Param('id') id: string, @Req() request: FastifyRequest): Promise<Record<string, unknown>> {
    const stored = await this.storedResponses.require(id, callerOf(request));
    return stored.response;
  }

  @Delete(['v1/responses/:id', 'responses/:id'])
  async delete(
    @Param('id') id: string,
    @Req() request: FastifyRequest,
  ): Promise<{ id: string; object: 'response.deleted'; deleted: true }> {
    await this.storedResponses.delete(id, callerOf(request));
    return { id, object: 'response.deleted', deleted: true };
  }

  @Get(['v1/responses/:id/input_items', 'responses/:id/input_items'])
  async inputItems(
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
  ): Promise<InputItemsPage> {
    const stored = await this.storedResponses.require(id, callerOf(request));
    return listInputItems(stored.inputItems, query);
  }
}

function callerOf(request: FastifyRequest) {
  return requestContext(request).caller ?? { kind: 'master' as const };
}

function droppedToolsHeader(dropped: readonly string[]): Record<string, string> {
  return dropped.length > 0 ? { [DROPPED_TOOLS_HEADER]: [...new Set(dropped)].join(', ') } : {};
}
