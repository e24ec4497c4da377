import { Inject, Injectable } from '@nestjs/common';
import type { GatewayConfiguration } from '@switchyard/config';
import {
  type AttemptOutcome,
  type ChatCompletionRequest,
  type EmbeddingRequest,
  type EmbeddingResponse,
  GatewayError,
} from '@switchyard/contracts';
import { AttemptFailure } from '../dispatch/attempt-failure';
import { DispatchClient } from '../dispatch/dispatch-client';
import { GATEWAY_CONFIGURATION } from '../infrastructure/tokens';
import { ResolveModel } from '../routing/resolve-model';
import { CALL_ADMISSION, type CallAdmission } from '../limits/call-admission';
import { accountingOf, type ChatCallContext } from '../http/chat-context';
import { answeredBy, type ChatResponseMeta } from './complete-chat';
import { FallbackPolicy } from './fallback-policy';

export interface EmbeddingsResult {
  meta: ChatResponseMeta;
  response: EmbeddingResponse;
  outcome: AttemptOutcome;
}

/**
 * Embeddings: a model's deployments in order, then its `fallbacks`, moving on after a retryable
 * failure (`FallbackPolicy`, as chat does).
 */
@Injectable()
export class CreateEmbeddings {
  constructor(
    @Inject(GATEWAY_CONFIGURATION) private readonly configuration: GatewayConfiguration,
    @Inject(ResolveModel) private readonly resolveModel: ResolveModel,
    @Inject(DispatchClient) private readonly dispatchClient: DispatchClient,
    @Inject(CALL_ADMISSION) private readonly admission: CallAdmission,
    @Inject(FallbackPolicy) private readonly fallbacks: FallbackPolicy,
  ) {}

  async execute(
    request: EmbeddingRequest,
    context: ChatCallContext,
    signal: AbortSignal = new AbortController().signal,
  ): Promise<EmbeddingsResult> {
    this.admission.authorize(context, request.model);
    if (this.configuration.router(request.model)) {
      throw GatewayError.invalidRequest(
        `"${request.model}" is a router; routers choose chat models. Call an embedding model.`,
        'model',
        'router_not_supported',
      );
    }
    const resolved = this.resolveModel.direct(request.model);
    context.observation.modelGroup = resolved.modelGroup;
    const input = typeof request.input === 'string' ? request.input : JSON.stringify(request.input);
    const estimateRequest: ChatCompletionRequest = {
      model: request.model,
      messages: [{ role: 'user', content: input }],
      max_tokens: 1,
    };
    const candidates = this.fallbacks.candidatesFor(resolved, context);
    const admitted = await this.admission.admit(
      context,
      resolved,
      estimateRequest,
      candidates.map((candidate) => candidate.deployment),
    );
    const call = { resolved, admitted, candidates };
    const { candidate, value: reply } = await this.fallbacks.firstAnswer(
      { ...call, context, signal, stream: false, route: null },
      async ({ deployment }, attempt) => {
        const answer = await this.dispatchClient.embed(deployment.provider.name, {
          requestId: context.callId,
          attempt,
          deploymentId: deployment.id,
          body: request,
          accounting: accountingOf(context, resolved.modelGroup, null),
        });
        if (answer.type === 'error') {
          throw new AttemptFailure(GatewayError.fromPayload(answer.error), answer.outcome);
        }
        return answer;
      },
    );
    admitted.settle(reply.outcome);
    context.observation.upstreamMs = reply.outcome.upstreamLatencyMs;
    return {
      meta: answeredBy(candidate, call, context),
      response: reply.response,
      outcome: reply.outcome,
    };
  }
}
