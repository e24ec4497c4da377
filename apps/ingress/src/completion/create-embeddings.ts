import { Inject, Injectable } from '@nestjs/common';
import type { GatewayConfiguration } from '@switchyard/config';
import {
  type AttemptOutcome,
  type ChatCompletionRequest,
  type EmbeddingRequest,
  type EmbeddingResponse,
  GatewayError,
} from '@switchyard/contracts';
import { DispatchClient } from '../dispatch/dispatch-client';
import { GATEWAY_CONFIGURATION } from '../infrastructure/tokens';
import { ResolveModel } from '../routing/resolve-model';
import { CALL_ADMISSION, type CallAdmission } from './call-admission';
import type { ChatCallContext } from './chat-context';
import type { ChatResponseMeta } from './complete-chat';
import { RecordRefusal } from './record-refusal';

export interface EmbeddingsResult {
  meta: ChatResponseMeta;
  response: EmbeddingResponse;
  outcome: AttemptOutcome;
}

/** Embeddings: a model's deployments in order, moving on after a retryable failure. */
@Injectable()
export class CreateEmbeddings {
  constructor(
    @Inject(GATEWAY_CONFIGURATION) private readonly configuration: GatewayConfiguration,
    @Inject(ResolveModel) private readonly resolveModel: ResolveModel,
    @Inject(DispatchClient) private readonly dispatchClient: DispatchClient,
    @Inject(CALL_ADMISSION) private readonly admission: CallAdmission,
    @Inject(RecordRefusal) private readonly recordRefusal: RecordRefusal,
  ) {}

  async execute(request: EmbeddingRequest, context: ChatCallContext): Promise<EmbeddingsResult> {
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
    const admitted = await this.admission.admit(context, resolved, estimateRequest);
    let lastError: GatewayError | null = null;
    let recorded = false;
    for (const [attempt, deployment] of resolved.deployments.entries()) {
      context.observation.model = resolved.modelName;
      context.observation.provider = deployment.provider.name;
      let reply;
      try {
        reply = await this.dispatchClient.embed(deployment.provider.name, {
          requestId: context.callId,
          attempt,
          deploymentId: deployment.id,
          body: request,
          accounting: {
            endpoint: 'embeddings',
            modelGroup: resolved.modelGroup,
            route: null,
            keyId: context.caller.kind === 'virtual' ? context.caller.keyId : null,
            sessionId: context.sessionId,
            user: context.user,
            metadata: context.metadata,
          },
        });
      } catch (error) {
        // no reply (a bus timeout, no dispatcher): whatever the attempt cost reaches the ledger
        // through the dispatcher's usage event; the call's slot and reservation are released now
        admitted.settle(null);
        throw error;
      }
      if (reply.type === 'final') {
        admitted.settle(reply.outcome);
        context.observation.upstreamMs = reply.outcome.upstreamLatencyMs;
        return {
          meta: {
            callId: context.callId,
            modelGroup: resolved.modelGroup,
            modelName: resolved.modelName,
            deployment,
            decision: null,
            admissionHeaders: admitted.headers,
            cacheKey: null,
          },
          response: reply.response,
          outcome: reply.outcome,
        };
      }
      if (reply.outcome) recorded = true;
      lastError = GatewayError.fromPayload(reply.error);
      if (!lastError.isRetryable) break;
    }
    admitted.settle(null);
    const error = lastError ?? GatewayError.unavailable(`no deployment can serve "${request.model}"`);
    if (!recorded) {
      const first = resolved.deployments[0];
      this.recordRefusal.execute({
        context,
        modelGroup: resolved.modelGroup,
        model: resolved.modelName,
        provider: first?.provider.name ?? 'gateway',
        deploymentId: first?.id ?? null,
        stream: false,
        route: null,
        error,
      });
    }
    throw error;
  }
}
