import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { CompleteChat } from '../completion/complete-chat';
import { completedResponseHeaders, responseHeaders } from '../completion/response-headers';
import { callContextOf, clientGone } from '../http/call-context';
import { headerValues } from '../http/header-value';
import { requestContext } from '../http/request-context';
import { toGatewayError } from '../http/to-gateway-error';
import { CountGeminiTokens, type GeminiTokenCount } from './count-gemini-tokens';
import { GeminiModels } from './gemini-models';
import type { GeminiModel } from './gemini-response';
import { GeminiStreamTranslator } from './gemini-stream-translator';
import { GeminiStreamWriter } from './gemini-stream-writer';
import { parseGeminiTarget } from './gemini-target';
import { parseCountTokensRequest, parseGenerateContentRequest } from './parse-gemini-request';
import { hostedToolsOf, toChatCompletionRequest, wantsThoughts } from './to-chat-completion-request';
import { toGeminiResponse } from './to-gemini-response';

/** The header that names the hosted tools (`googleSearch` …) left out of a request. */
const DROPPED_TOOLS_HEADER = 'x-switchyard-dropped-tools';

/**
 * Google's Gemini API (`/v1beta/models/{model}:generateContent`, `:streamGenerateContent`,
 * `:countTokens`, `GET /v1beta/models`; the methods also under `/v1/models/…`) in front of every
 * model and router: the request is translated to the canonical one and completed exactly as on
 * the other surfaces (admission, routing, fallbacks, usage), then translated back to Google's JSON,
 * SSE (`alt=sse`) or streamed JSON array.
 */
@Controller()
@UseGuards(ApiKeyGuard)
export class GeminiController {
  constructor(
    @Inject(CompleteChat) private readonly completeChat: CompleteChat,
    @Inject(CountGeminiTokens) private readonly countTokens: CountGeminiTokens,
    @Inject(GeminiModels) private readonly models: GeminiModels,
  ) {}

  @Get('v1beta/models')
  list(@Req() request: FastifyRequest): { models: GeminiModel[] } {
    return this.models.list(requestContext(request).caller);
  }

  @Get('v1beta/models/*')
  get(@Param('*') name: string, @Req() request: FastifyRequest): GeminiModel {
    return this.models.get(name, requestContext(request).caller);
  }

  @Post(['v1beta/models/*', 'v1/models/*'])
  @HttpCode(200)
  async call(
    @Param('*') tail: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const target = parseGeminiTarget(tail);
    if (target.method === 'countTokens') {
      const chat = toChatCompletionRequest(parseCountTokensRequest(body), target.model, false);
      const count: GeminiTokenCount = await this.countTokens.execute(
        chat,
        callContextOf(request, 'gemini', null, null),
      );
      await reply.send(count);
      return;
    }
    const generate = parseGenerateContentRequest(body);
    const stream = target.method === 'streamGenerateContent';
    const chat = toChatCompletionRequest(generate, target.model, stream);
    const context = callContextOf(request, 'gemini', null, null);
    const options = { requestedModel: target.model, includeThoughts: wantsThoughts(generate) };
    const dropped = hostedToolsOf(generate.tools);
    const droppedHeader: Record<string, string> =
      dropped.length > 0 ? headerValues({ [DROPPED_TOOLS_HEADER]: dropped.join(', ') }) : {};
    const signal = clientGone(reply);
    const call = await this.completeChat.resolve(chat, context);

    if (!stream) {
      const result = await this.completeChat.complete(chat, call, context, signal);
      await reply
        .headers({
          ...completedResponseHeaders(result.meta, result.outcome, context.receivedAt),
          ...droppedHeader,
        })
        .send(toGeminiResponse(result.completion, result.outcome.usage, options));
      return;
    }

    const answer = await this.completeChat.stream(chat, call, context, signal);
    const writer = new GeminiStreamWriter(reply.raw, isSse(request));
    const translator = new GeminiStreamTranslator(options);
    reply.hijack();
    writer.open({ ...responseHeaders(answer.meta), ...droppedHeader });
    try {
      for await (const part of answer.parts) {
        if (part.type === 'chunk') writer.write(translator.push(part.chunk));
        else writer.end([translator.finish(part.outcome.usage)]);
      }
    } catch (error) {
      writer.fail(toGatewayError(error));
    }
  }
}

/** `?alt=sse`: SSE events; otherwise Google streams one JSON array. */
function isSse(request: FastifyRequest): boolean {
  const query = request.query as Record<string, unknown> | undefined;
  return query?.alt === 'sse';
}
