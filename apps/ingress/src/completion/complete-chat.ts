import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Deployment, GatewayConfiguration } from '@switchyard/config';
import {
  type AttemptOutcome,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  type ClassifyDecision,
  GatewayError,
} from '@switchyard/contracts';
import { referencedModels } from '@switchyard/complexity/router-config';
import { IngressMetrics } from '@switchyard/telemetry';
import { DispatchClient, type DispatchHandle, type DispatchHandlers } from '../dispatch/dispatch-client';
import { GATEWAY_CONFIGURATION } from '../infrastructure/tokens';
import { DeploymentCooldowns } from '../routing/deployment-cooldowns';
import { type ResolvedModel, ResolveModel } from '../routing/resolve-model';
import { routeSummaryOf } from '../routing/route-summary';
import { sessionOwnerOf } from '../routing/session-routes';
import { assembleCompletion, completionToChunks } from '@switchyard/cache';
import { CALL_ADMISSION, type CallAdmission } from './call-admission';
import { type CacheLookup, ChatResponseCache } from './chat-response-cache';
import { upstreamBody } from './upstream-body';
import type { ChatCallContext } from './chat-context';
import { RecordRefusal } from './record-refusal';

const MAX_ATTEMPTS = 6;
/** the dispatcher holding the request died or none took it: another replica can take the same deployment. */
const BUS_FAILURES = new Set(['responder_lost', 'no_responder']);
const MAX_REDISPATCHES = 2;

/** Which deployment answered, for the response headers. */
export interface ChatResponseMeta {
  callId: string;
  modelGroup: string;
  modelName: string;
  deployment: Deployment;
  decision: ClassifyDecision | null;
  /** headers from admission (rate-limit state). */
  admissionHeaders: Readonly<Record<string, string>>;
  /** set when the answer came from the response cache. */
  cacheKey: string | null;
}

export interface ChatResult {
  meta: ChatResponseMeta;
  completion: ChatCompletion;
  outcome: AttemptOutcome;
}

/** Receives one streamed answer. Nothing reaches the client before `open`. */
export interface ChatStreamSink {
  open(meta: ChatResponseMeta): void;
  chunk(chunk: ChatCompletionChunk): void;
  close(outcome: AttemptOutcome): void;
  /** before `open`: answer with an error response; after: end the stream with an error event. */
  fail(error: GatewayError, opened: boolean): void;
}

interface Candidate {
  modelName: string;
  deployment: Deployment;
}

/**
 * Completes one chat call: resolve the model (routers through the classifier), then dispatch to
 * its deployments in order and to the configured `fallbacks`, moving on after a retryable failure
 * as long as nothing has reached the client.
 */
@Injectable()
export class CompleteChat {
  private readonly logger = new Logger(CompleteChat.name);
  /** the candidates `resolve` admitted each call for (its estimate covers them all). */
  private readonly candidatesByCall = new WeakMap<ResolvedModel, Candidate[]>();

  constructor(
    @Inject(GATEWAY_CONFIGURATION) private readonly configuration: GatewayConfiguration,
    @Inject(ResolveModel) private readonly resolveModel: ResolveModel,
    @Inject(DispatchClient) private readonly dispatchClient: DispatchClient,
    @Inject(RecordRefusal) private readonly recordRefusal: RecordRefusal,
    @Inject(CALL_ADMISSION) private readonly admission: CallAdmission,
    @Inject(IngressMetrics) private readonly metrics: IngressMetrics,
    @Inject(DeploymentCooldowns) private readonly cooldowns: DeploymentCooldowns,
    @Inject(ChatResponseCache) private readonly responseCache: ChatResponseCache,
  ) {}

  /**
   * Authorizes the caller, resolves the model (routers through the classifier), admits the call
   * with an estimate that covers every deployment that may answer it, fallbacks included.
   */
  async resolve(request: ChatCompletionRequest, context: ChatCallContext): Promise<ResolvedModel> {
    this.admission.authorize(context, request.model);
    const resolved = await this.resolveModel.execute(request.model, request, {
      requestId: context.callId,
      bodyBytes: context.bodyBytes,
      sessionId: context.sessionId,
      sessionOwner: sessionOwnerOf(context.caller),
    });
    const candidates = this.candidates(resolved, context);
    this.candidatesByCall.set(resolved, candidates);
    resolved.admitted = await this.admission.admit(
      context,
      resolved,
      request,
      candidates.map((candidate) => candidate.deployment),
    );
    context.observation.modelGroup = resolved.modelGroup;
    context.observation.stream = request.stream === true;
    context.observation.tier = resolved.decision?.tier ?? 'none';
    return resolved;
  }

  /** Non-streaming: resolves with the completion (from the cache or a dispatch) or rejects with the last failure. */
  async complete(
    request: ChatCompletionRequest,
    resolved: ResolvedModel,
    context: ChatCallContext,
    signal: AbortSignal,
  ): Promise<ChatResult> {
    let lookup: CacheLookup;
    try {
      lookup = await this.responseCache.lookup(request, resolved, context);
    } catch (error) {
      resolved.admitted?.settle(null);
      throw error;
    }
    if (lookup.hit) {
      resolved.admitted?.settle(null);
      return {
        meta: this.cachedMeta(resolved, context, lookup),
        completion: lookup.hit.completion,
        outcome: lookup.hit.outcome,
      };
    }
    const result = await new Promise<ChatResult>((resolve, reject) => {
      let meta: ChatResponseMeta | null = null;
      this.run(request, resolved, context, false, signal, {
        open: (opened) => (meta = opened),
        chunk: () => undefined,
        close: () => undefined,
        fail: (error) => reject(error),
        done: (openedMeta, outcome, completion) => {
          if (!completion) reject(GatewayError.upstream(502, 'the dispatcher returned no completion'));
          else resolve({ meta: meta ?? openedMeta, completion, outcome });
        },
      });
    });
    this.responseCache.save(lookup, result.completion, result.outcome);
    return result;
  }

  /** Streaming: feeds the sink (a cached answer is replayed as a stream); returns at once. */
  stream(
    request: ChatCompletionRequest,
    resolved: ResolvedModel,
    context: ChatCallContext,
    signal: AbortSignal,
    sink: ChatStreamSink,
  ): void {
    this.responseCache
      .lookup(request, resolved, context)
      .then((lookup) => {
        if (lookup.hit) {
          resolved.admitted?.settle(null);
          sink.open(this.cachedMeta(resolved, context, lookup));
          for (const chunk of completionToChunks(lookup.hit.completion)) sink.chunk(chunk);
          sink.close(lookup.hit.outcome);
          return;
        }
        const collected: ChatCompletionChunk[] | null = lookup.key && lookup.policy?.write ? [] : null;
        let opened = false;
        this.run(request, resolved, context, true, signal, {
          open: (meta) => {
            opened = true;
            sink.open(meta);
          },
          chunk: (chunk) => {
            collected?.push(chunk);
            sink.chunk(chunk);
          },
          close: (outcome) => {
            sink.close(outcome);
            // a stream the client left is cut short of what the upstream sent: never a cache entry
            const completion = collected && !signal.aborted ? assembleCompletion(collected) : null;
            if (completion) this.responseCache.save(lookup, completion, outcome);
          },
          fail: (error) => sink.fail(error, opened),
          done: () => undefined,
        });
      })
      .catch((error: unknown) => {
        resolved.admitted?.settle(null);
        sink.fail(error instanceof GatewayError ? error : GatewayError.internal(String(error)), false);
      });
  }

  private cachedMeta(
    resolved: ResolvedModel,
    context: ChatCallContext,
    lookup: CacheLookup,
  ): ChatResponseMeta {
    const hit = lookup.hit!;
    context.observation.model = hit.outcome.model;
    context.observation.provider = hit.outcome.provider;
    return {
      callId: context.callId,
      modelGroup: resolved.modelGroup,
      modelName: hit.outcome.model,
      deployment: hit.deployment,
      decision: resolved.decision,
      admissionHeaders: resolved.admitted?.headers ?? {},
      cacheKey: this.responseCache.fullKey(lookup.key!),
    };
  }

  private run(
    request: ChatCompletionRequest,
    resolved: ResolvedModel,
    context: ChatCallContext,
    stream: boolean,
    signal: AbortSignal,
    events: {
      open(meta: ChatResponseMeta): void;
      chunk(chunk: ChatCompletionChunk): void;
      close(outcome: AttemptOutcome): void;
      fail(error: GatewayError): void;
      done(meta: ChatResponseMeta, outcome: AttemptOutcome, completion: ChatCompletion | null): void;
    },
  ): void {
    const candidates = this.coolingLast(
      this.candidatesByCall.get(resolved) ?? this.candidates(resolved, context),
    );
    const route = routeSummaryOf(resolved.decision);
    let recorded = false;
    let handle: DispatchHandle | null = null;
    const onAbort = () => handle?.cancel();
    signal.addEventListener('abort', onAbort, { once: true });

    let dispatches = 0;
    let redispatches = 0;
    const attempt = (index: number, lastError: GatewayError | null): void => {
      const candidate = candidates[index];
      if (!candidate || index >= MAX_ATTEMPTS || signal.aborted) {
        signal.removeEventListener('abort', onAbort);
        resolved.admitted?.settle(null);
        const error =
          lastError ?? GatewayError.unavailable(`no deployment can serve "${resolved.modelGroup}"`);
        if (!recorded) {
          const first = candidates[0];
          this.recordRefusal.execute({
            context,
            modelGroup: resolved.modelGroup,
            model: first?.modelName ?? resolved.modelName,
            provider: first?.deployment.provider.name ?? 'gateway',
            deploymentId: first?.deployment.id ?? null,
            stream,
            route,
            error,
          });
        }
        events.fail(error);
        return;
      }
      const meta: ChatResponseMeta = {
        callId: context.callId,
        modelGroup: resolved.modelGroup,
        modelName: candidate.modelName,
        deployment: candidate.deployment,
        decision: resolved.decision,
        admissionHeaders: resolved.admitted?.headers ?? {},
        cacheKey: null,
      };
      let opened = false;
      context.observation.model = candidate.modelName;
      context.observation.provider = candidate.deployment.provider.name;
      const handlers: DispatchHandlers = {
        onChunk: (chunk) => {
          if (!opened) {
            opened = true;
            events.open(meta);
          }
          events.chunk(chunk);
        },
        onFinal: (outcome, completion) => {
          recorded = true;
          context.observation.upstreamMs = outcome.upstreamLatencyMs;
          signal.removeEventListener('abort', onAbort);
          resolved.admitted?.settle(outcome);
          if (!opened) {
            opened = true;
            events.open(meta);
          }
          events.close(outcome);
          events.done(meta, outcome, completion);
        },
        onError: (error, outcome) => {
          if (outcome) recorded = true;
          if (
            !opened &&
            !signal.aborted &&
            BUS_FAILURES.has(error.code ?? '') &&
            redispatches < MAX_REDISPATCHES
          ) {
            // the silent dispatcher was told to cancel (DispatchClient); it may still have been
            // billed, so the budget holds its estimate apart before another attempt is made
            redispatches += 1;
            const redispatch = (reserved: boolean) =>
              attempt(reserved && !signal.aborted ? index : Number.MAX_SAFE_INTEGER, error);
            if (!resolved.admitted) redispatch(true);
            else {
              resolved.admitted
                .reserveAgain(dispatched)
                .then(redispatch, () => redispatch(false))
                .catch((failure: unknown) =>
                  this.logger.error(`call ${context.callId}: redispatch failed: ${String(failure)}`),
                );
            }
            return;
          }
          if (!opened && error.isRetryable && !signal.aborted) {
            this.metrics.fallbacks.inc({
              model_group: resolved.modelGroup,
              reason: error.code ?? String(error.status),
            });
            attempt(index + 1, error);
            return;
          }
          signal.removeEventListener('abort', onAbort);
          if (!recorded && !opened) {
            attempt(Number.MAX_SAFE_INTEGER, error);
            return;
          }
          resolved.admitted?.settle(outcome);
          events.fail(error);
        },
      };
      const dispatched = dispatches++;
      try {
        handle = this.dispatchClient.chat(
          candidate.deployment.provider.name,
          {
            requestId: context.callId,
            attempt: dispatched,
            deploymentId: candidate.deployment.id,
            stream,
            body: upstreamBody(request, this.configuration.litellmSettings.drop_params === true),
            accounting: {
              endpoint: context.endpoint,
              modelGroup: resolved.modelGroup,
              route,
              keyId: context.caller.kind === 'virtual' ? context.caller.keyId : null,
              sessionId: context.sessionId,
              user: context.user,
              metadata: context.metadata,
            },
          },
          handlers,
        );
      } catch (error) {
        // refused before it left (a request too large for the bus): no attempt was made
        handlers.onError(error instanceof GatewayError ? error : GatewayError.internal(String(error)), null);
      }
    };
    attempt(0, null);
  }

  /**
   * The resolved model's deployments, then those of its `fallbacks` that the caller may call
   * itself (a key scoped to one model is never answered by another; a router the caller called
   * stands for every model it routes to), without repeats.
   */
  private candidates(resolved: ResolvedModel, context: ChatCallContext): Candidate[] {
    const candidates: Candidate[] = resolved.deployments.map((deployment) => ({
      modelName: resolved.modelName,
      deployment,
    }));
    const router = resolved.decision ? this.configuration.router(resolved.modelGroup) : undefined;
    const routed = new Set(
      router
        ? referencedModels(router.config).map((reference) =>
            this.configuration.canonicalName(reference.model),
          )
        : [],
    );
    const seen = new Set([resolved.modelName]);
    for (const fallback of this.fallbacksOf([resolved.modelGroup, resolved.modelName])) {
      const modelName = this.configuration.canonicalName(fallback);
      if (seen.has(modelName)) continue;
      seen.add(modelName);
      if (!routed.has(modelName) && this.admission.permits?.(context, fallback) === false) continue;
      for (const deployment of this.resolveModel.deploymentsOf(modelName))
        candidates.push({ modelName, deployment });
    }
    return candidates;
  }

  /** Deployments cooling down go last: tried only when nothing else is left. */
  private coolingLast(candidates: Candidate[]): Candidate[] {
    const available = candidates.filter(
      (candidate) => !this.cooldowns.isCoolingDown(candidate.deployment.id),
    );
    if (available.length === candidates.length) return candidates;
    return [...available, ...candidates.filter((candidate) => !available.includes(candidate))];
  }

  private fallbacksOf(names: readonly string[]): string[] {
    const rules = [
      ...(this.configuration.routerSettings.fallbacks ?? []),
      ...(this.configuration.litellmSettings.fallbacks ?? []),
    ];
    const result: string[] = [];
    for (const name of names) {
      for (const rule of rules) result.push(...(rule[name] ?? []));
    }
    return result;
  }
}
