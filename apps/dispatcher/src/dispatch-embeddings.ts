import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import { type DispatchEmbedReply, type DispatchEmbedRequest, GatewayError } from '@switchyard/contracts';
import { providerFor } from '@switchyard/providers';
import { estimateEmbeddingUsage } from './estimate-usage';
import { RecordAttempt } from './record-attempt';
import { ServedDeployments } from './served-deployments';
import { upstreamFailure, UpstreamClient } from './upstream-client';

/** One embeddings dispatch: translate, call, translate back, one usage event per attempt. */
@Injectable()
export class DispatchEmbeddings {
  constructor(
    @Inject(ServedDeployments) private readonly deployments: ServedDeployments,
    @Inject(UpstreamClient) private readonly upstream: UpstreamClient,
    @Inject(RecordAttempt) private readonly recordAttempt: RecordAttempt,
  ) {}

  async execute(request: DispatchEmbedRequest, signal: AbortSignal): Promise<DispatchEmbedReply> {
    const served = this.deployments.get(request.deploymentId);
    if (!served) {
      return {
        type: 'error',
        error: GatewayError.unavailable(
          `deployment ${request.deploymentId} is not served by this dispatcher`,
          {
            code: 'unknown_deployment',
          },
        ).toPayload(),
        outcome: null,
      };
    }
    const translator = providerFor(served.kind);
    const embedding = translator.embedding;
    if (!embedding) {
      const failure = unsupportedEmbeddings(served.target.provider);
      return { type: 'error', error: failure.toPayload(), outcome: null };
    }
    let httpRequest;
    try {
      httpRequest = embedding.buildRequest(request.body, served.target);
    } catch (error) {
      const failure =
        error instanceof GatewayError ? error : GatewayError.invalidRequest((error as Error).message);
      return { type: 'error', error: failure.toPayload(), outcome: null };
    }
    for (let retry = 0; ; retry += 1) {
      const startedAt = performance.now();
      const base = {
        requestId: request.requestId,
        attempt: request.attempt,
        retry,
        stream: false,
        accounting: request.accounting,
        served,
        startedAt,
        firstTokenAt: null,
        usageEstimated: false,
      };
      let failure: GatewayError;
      try {
        const response = await this.upstream.send(
          httpRequest,
          served.target.provider,
          served.timeouts.chat,
          signal,
        );
        if (response.status < 400) {
          const result = embedding.parseResponse(await response.body.json(), served.target, request.body);
          const usage = result.usage ?? (await estimateEmbeddingUsage(request.body));
          const outcome = this.recordAttempt.execute({
            ...base,
            usage,
            usageEstimated: result.usage === null,
            status: 'success',
            httpStatus: response.status,
            error: null,
          });
          const counted = { prompt_tokens: usage.input.total, total_tokens: usage.input.total };
          return {
            type: 'final',
            outcome,
            response: result.usage === null ? { ...result.response, usage: counted } : { ...result.response },
          };
        }
        failure = translator.parseError(
          response.status,
          await response.body.text(),
          response.headers,
          served.target,
        );
      } catch (error) {
        failure =
          error instanceof GatewayError ? error : upstreamFailure(error, served.target.provider, signal);
      }
      const outcome = this.recordAttempt.execute({
        ...base,
        usage: null,
        status: signal.aborted ? 'cancelled' : 'error',
        httpStatus: failure.status,
        error: failure,
      });
      if (!failure.isRetryable || retry >= served.numRetries || signal.aborted) {
        return { type: 'error', error: failure.toPayload(), outcome };
      }
      await sleep(failure.retryAfterMs ?? 250 * 2 ** retry);
    }
  }
}

/** A provider without an embeddings API (Anthropic): 400 before any call, naming the provider. */
function unsupportedEmbeddings(provider: string): GatewayError {
  return new GatewayError(400, 'invalid_request_error', `${provider}: the provider has no embeddings API`, {
    code: 'unsupported_parameter',
    param: 'model',
    provider,
  });
}
