import { Body, Controller, HttpCode, Inject, Post, Req, UseGuards } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { GatewayConfiguration } from '@switchyard/config';
import { type ClassifyDecision, GatewayError } from '@switchyard/contracts';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { unresolvedRouter, withAdmissionWithoutCall } from '../limits/admit-without-call';
import { CALL_ADMISSION, type CallAdmission } from '../limits/call-admission';
import { callContextOf } from '../http/call-context';
import { GATEWAY_CONFIGURATION } from '../infrastructure/tokens';
import { parseChatRequest } from '../openai/parse-chat-request';
import { ResolveModel } from '../routing/resolve-model';
import { sessionOwnerOf } from '../routing/session-routes';

export interface RouteExplanation extends ClassifyDecision {
  /** the deployments the decided model would be dispatched to, in order. */
  deployments: { id: string; provider: string; model: string }[];
}

/**
 * `POST /v1/route/explain`: the routing decision for a chat-completions body and everything behind
 * it (tier, model, score, cause, per-dimension detail), without calling any model. It counts
 * against the key's rate limits before the classifier works on it.
 */
@Controller()
@UseGuards(ApiKeyGuard)
export class RouteExplainController {
  constructor(
    @Inject(ResolveModel) private readonly resolveModel: ResolveModel,
    @Inject(CALL_ADMISSION) private readonly admission: CallAdmission,
    @Inject(GATEWAY_CONFIGURATION) private readonly configuration: GatewayConfiguration,
  ) {}

  @Post(['v1/route/explain', 'route/explain'])
  @HttpCode(200)
  async explain(@Body() body: unknown, @Req() request: FastifyRequest): Promise<RouteExplanation> {
    const chat = parseChatRequest(body);
    if (!this.configuration.router(chat.model)) {
      throw GatewayError.invalidRequest(
        `"${chat.model}" is not a router; route/explain explains router decisions (routers: ${this.configuration.routers.map((router) => router.name).join(', ')}).`,
        'model',
        'not_a_router',
      );
    }
    const context = callContextOf(request, 'chat', null, null);
    this.admission.authorize(context, chat.model);
    const resolved = await withAdmissionWithoutCall(
      this.admission,
      context,
      unresolvedRouter(chat.model),
      chat,
      () =>
        this.resolveModel.execute(chat.model, chat, {
          requestId: context.callId,
          bodyBytes: context.bodyBytes,
          sessionId: context.sessionId,
          sessionOwner: sessionOwnerOf(context.caller),
        }),
    );
    return {
      ...resolved.decision!,
      deployments: resolved.deployments.map((deployment) => ({
        id: deployment.id,
        provider: deployment.provider.name,
        model: deployment.providerModel,
      })),
    };
  }
}
