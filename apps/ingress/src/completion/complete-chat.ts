import { Inject, Injectable } from '@nestjs/common';
import type { Deployment, GatewayConfiguration } from '@switchyard/config';
import {
  type AttemptOutcome,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  type ClassifyDecision,
  GatewayError,
} from '@switchyard/contracts';
import { assembleCompletion, completionToChunks } from '@switchyard/cache';
import { AttemptFailure } from '../dispatch/attempt-failure';
import { DispatchClient, type DispatchChatPart } from '../dispatch/dispatch-client';
import { GATEWAY_CONFIGURATION } from '../infrastructure/tokens';
import { ResolveModel } from '../routing/resolve-model';
import { routeSummaryOf } from '../routing/route-summary';
import { RoutingLog } from '../routing/routing-log';
import { sessionOwnerOf } from '../routing/session-routes';
import { CALL_ADMISSION, type AdmittedCall, type CallAdmission } from '../limits/call-admission';
import { type CacheLookup, ChatResponseCache } from './chat-response-cache';
import { accountingOf, type ChatCallContext } from '../http/chat-context';
import { type AdmittedModel, type Candidate, FallbackPolicy } from './fallback-policy';
import { upstreamBody } from './upstream-body';

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

/** One part of an answer: a chunk, then exactly one `finish` with the attempt's usage outcome. */
export type ChatPart =
  | { type: 'chunk'; chunk: ChatCompletionChunk }
  | { type: 'finish'; outcome: AttemptOutcome; completion: ChatCompletion | null };

/**
 * An answer that has begun: who answers, and its parts. Iterating the parts throws a
 * `GatewayError` when the answer fails after it began (nothing is tried again then).
 */
export interface ChatAnswer {
  meta: ChatResponseMeta;
  parts: AsyncIterable<ChatPart>;
}

export interface ChatResult {
  meta: ChatResponseMeta;
  completion: ChatCompletion;
  outcome: AttemptOutcome;
}

/**
 * Completes one chat call: resolve the model (routers through the classifier), then dispatch to
 * its deployments in order and to the configured `fallbacks` (`FallbackPolicy`), moving on after
 * a retryable failure as long as nothing has reached the client. A surface turns the answer's
 * parts into its own events; a non-streaming call collects them.
 */
@Injectable()
export class CompleteChat {
  constructor(
    @Inject(GATEWAY_CONFIGURATION) private readonly configuration: GatewayConfiguration,
    @Inject(ResolveModel) private readonly resolveModel: ResolveModel,
    @Inject(DispatchClient) private readonly dispatchClient: DispatchClient,
    @Inject(CALL_ADMISSION) private readonly admission: CallAdmission,
    @Inject(FallbackPolicy) private readonly fallbacks: FallbackPolicy,
    @Inject(ChatResponseCache) private readonly responseCache: ChatResponseCache,
    @Inject(RoutingLog) private readonly routingLog: RoutingLog,
  ) {}

  /**
   * Authorizes the caller, resolves the model (routers through the classifier), admits the call
   * with an estimate that covers every deployment that may answer it, fallbacks included.
   */
  async resolve(request: ChatCompletionRequest, context: ChatCallContext): Promise<AdmittedModel> {
    this.admission.authorize(context, request.model);
    const resolved = await this.resolveModel.execute(request.model, request, {
      requestId: context.callId,
      bodyBytes: context.bodyBytes,
      sessionId: context.sessionId,
      sessionOwner: sessionOwnerOf(context.caller),
    });
    this.routingLog.record(request, resolved, context);
    const candidates = this.fallbacks.candidatesFor(resolved, context);
    const admitted = await this.admission.admit(
      context,
      resolved,
      request,
      candidates.map((candidate) => candidate.deployment),
    );
    context.observation.modelGroup = resolved.modelGroup;
    context.observation.stream = request.stream === true;
    context.observation.tier = resolved.decision?.tier ?? 'none';
    return { resolved, admitted, candidates };
  }

  /** Non-streaming: the completion (from the cache or a dispatch), or the last failure thrown. */
  async complete(
    request: ChatCompletionRequest,
    call: AdmittedModel,
    context: ChatCallContext,
    signal: AbortSignal,
  ): Promise<ChatResult> {
    const lookup = await this.lookup(request, call, context);
    if (lookup.hit) {
      return {
        meta: this.cachedMeta(call, context, lookup),
        completion: lookup.hit.completion,
        outcome: lookup.hit.outcome,
      };
    }
    const answer = await this.dispatch(request, call, context, signal, false);
    let finish: Extract<ChatPart, { type: 'finish' }> | null = null;
    for await (const part of answer.parts) if (part.type === 'finish') finish = part;
    if (!finish?.completion) throw GatewayError.upstream(502, 'the dispatcher returned no completion');
    this.responseCache.save(lookup, finish.completion, finish.outcome);
    return { meta: answer.meta, completion: finish.completion, outcome: finish.outcome };
  }

  /**
   * Streaming: resolves once the first part is there (a cached answer is replayed as a stream);
   * rejects when no deployment answered, before anything reached the client.
   */
  async stream(
    request: ChatCompletionRequest,
    call: AdmittedModel,
    context: ChatCallContext,
    signal: AbortSignal,
  ): Promise<ChatAnswer> {
    let lookup: CacheLookup;
    try {
      lookup = await this.lookup(request, call, context);
    } catch (error) {
      throw error instanceof GatewayError ? error : GatewayError.internal(String(error));
    }
    if (lookup.hit) return { meta: this.cachedMeta(call, context, lookup), parts: replay(lookup) };
    const answer = await this.dispatch(request, call, context, signal, true);
    if (!lookup.key || !lookup.policy?.write) return answer;
    return { meta: answer.meta, parts: this.savedOnFinish(answer.parts, lookup, signal) };
  }

  /** The cache lookup; a hit or a failed lookup settles the call (nothing is dispatched). */
  private async lookup(
    request: ChatCompletionRequest,
    call: AdmittedModel,
    context: ChatCallContext,
  ): Promise<CacheLookup> {
    let lookup: CacheLookup;
    try {
      lookup = await this.responseCache.lookup(request, call.resolved, context);
    } catch (error) {
      call.admitted.settle(null);
      throw error;
    }
    if (lookup.hit) call.admitted.settle(null);
    return lookup;
  }

  /** Passes the parts on and saves the streamed answer once it finished, unless the client left. */
  private async *savedOnFinish(
    parts: AsyncIterable<ChatPart>,
    lookup: CacheLookup,
    signal: AbortSignal,
  ): AsyncGenerator<ChatPart> {
    const collected: ChatCompletionChunk[] = [];
    for await (const part of parts) {
      if (part.type === 'chunk') collected.push(part.chunk);
      yield part;
      if (part.type === 'finish') {
        // a stream the client left is cut short of what the upstream sent: never a cache entry
        const completion = signal.aborted ? null : assembleCompletion(collected);
        if (completion) this.responseCache.save(lookup, completion, part.outcome);
      }
    }
  }

  private cachedMeta(call: AdmittedModel, context: ChatCallContext, lookup: CacheLookup): ChatResponseMeta {
    const hit = lookup.hit!;
    context.observation.model = hit.outcome.model;
    context.observation.provider = hit.outcome.provider;
    return {
      callId: context.callId,
      modelGroup: call.resolved.modelGroup,
      modelName: hit.outcome.model,
      deployment: hit.deployment,
      decision: call.resolved.decision,
      admissionHeaders: call.admitted.headers,
      cacheKey: this.responseCache.fullKey(lookup.key!),
    };
  }

  /** Tries the candidates until one sends its first reply; that attempt's replies are the answer. */
  private async dispatch(
    request: ChatCompletionRequest,
    call: AdmittedModel,
    context: ChatCallContext,
    signal: AbortSignal,
    stream: boolean,
  ): Promise<ChatAnswer> {
    const { resolved, admitted } = call;
    const route = routeSummaryOf(resolved.decision);
    const body = upstreamBody(request, this.configuration.litellmSettings.drop_params === true);
    const { candidate, value } = await this.fallbacks.firstAnswer(
      { ...call, context, signal, stream, route },
      async (candidate, attempt) => {
        const replies = this.dispatchClient.chat(
          candidate.deployment.provider.name,
          {
            requestId: context.callId,
            attempt,
            deploymentId: candidate.deployment.id,
            stream,
            body,
            accounting: accountingOf(context, resolved.modelGroup, route),
          },
          signal,
        );
        const first = await replies.next();
        if (first.done)
          throw new AttemptFailure(GatewayError.unavailable('the dispatcher sent no reply'), null);
        return { first: first.value, replies };
      },
    );
    return {
      meta: answeredBy(candidate, call, context),
      parts: answerParts(value.first, value.replies, admitted, context),
    };
  }
}

/** Who answers a call: the candidate whose attempt opened, for the response headers. */
export function answeredBy(
  candidate: Candidate,
  call: AdmittedModel,
  context: ChatCallContext,
): ChatResponseMeta {
  return {
    callId: context.callId,
    modelGroup: call.resolved.modelGroup,
    modelName: candidate.modelName,
    deployment: candidate.deployment,
    decision: call.resolved.decision,
    admissionHeaders: call.admitted.headers,
    cacheKey: null,
  };
}

/**
 * The answering attempt's replies as parts; the call settles with the attempt's outcome when the
 * last reply comes (or with none when the reader stops before it).
 */
export function answerParts(
  first: DispatchChatPart,
  replies: AsyncIterator<DispatchChatPart>,
  admitted: AdmittedCall,
  context: ChatCallContext,
): AsyncGenerator<ChatPart> {
  return settledReplies(first, replies, admitted, context, (final) => ({
    type: 'finish',
    outcome: final.outcome,
    completion: final.response,
  }));
}

/** The last reply of an attempt's replies, which carries its usage outcome. */
type FinalOf<Reply> = Extract<Reply, { type: 'final' }> & { outcome: AttemptOutcome };
/** The replies before it, handed on as they come (plain data: awaiting one is the reply itself). */
type PassedOn<Reply> = Awaited<Exclude<Reply, { type: 'final' }>>;

/**
 * An answering attempt's replies (chat parts or native Responses events), each handed on, and the
 * `final` one as `finish` makes it. The call's admission settles exactly once: with the attempt's
 * outcome at the final reply or on its failure (thrown as its `GatewayError`), or with none when
 * the reader stops early, which also ends the attempt. Shared by chat and the Responses surface.
 */
export async function* settledReplies<Reply extends { type: string }, Finish>(
  first: Reply,
  replies: AsyncIterator<Reply>,
  admitted: AdmittedCall,
  context: ChatCallContext,
  finish: (final: FinalOf<Reply>) => Finish,
): AsyncGenerator<PassedOn<Reply> | Awaited<Finish>> {
  let settled = false;
  try {
    let reply: Reply | null = first;
    while (reply) {
      if (reply.type === 'final') {
        const final = reply as FinalOf<Reply>;
        settled = true;
        context.observation.upstreamMs = final.outcome.upstreamLatencyMs;
        admitted.settle(final.outcome);
        yield finish(final) as Awaited<Finish>;
        return;
      }
      yield reply as PassedOn<Reply>;
      const next: IteratorResult<Reply> = await replies.next();
      reply = next.done ? null : next.value;
    }
    throw new AttemptFailure(
      GatewayError.unavailable('the dispatcher ended the stream without a final reply'),
      null,
    );
  } catch (thrown) {
    const failure = AttemptFailure.of(thrown);
    settled = true;
    admitted.settle(failure.outcome);
    throw failure.error;
  } finally {
    if (!settled) {
      await replies.return?.();
      admitted.settle(null);
    }
  }
}

/** A cached answer as the parts of a stream. */
async function* replay(lookup: CacheLookup): AsyncGenerator<ChatPart> {
  const hit = lookup.hit!;
  for (const chunk of completionToChunks(hit.completion)) yield { type: 'chunk', chunk };
  yield { type: 'finish', outcome: hit.outcome, completion: hit.completion };
}
