import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Deployment, GatewayConfiguration } from '@switchyard/config';
import { GatewayError, type RouteSummary } from '@switchyard/contracts';
import { referencedModels } from '@switchyard/complexity/router-config';
import { IngressMetrics } from '@switchyard/telemetry';
import { AttemptFailure } from '../dispatch/attempt-failure';
import { GATEWAY_CONFIGURATION } from '../infrastructure/tokens';
import { DeploymentCooldowns } from '../routing/deployment-cooldowns';
import { type ResolvedModel, ResolveModel } from '../routing/resolve-model';
import { type AdmittedCall, CALL_ADMISSION, type CallAdmission } from '../limits/call-admission';
import type { ChatCallContext } from '../http/chat-context';
import { RecordRefusal } from '../limits/record-refusal';

/** at most this many deployments are tried for one call. */
export const MAX_ATTEMPTS = 6;
/** and a deployment whose dispatcher went silent is dispatched to again at most this often per call. */
export const MAX_REDISPATCHES = 2;
/** the dispatcher holding the request died or none took it: another replica can take the same deployment. */
const BUS_FAILURES = new Set(['responder_lost', 'no_responder']);

/** One deployment that may answer a call, and the model it serves. */
export interface Candidate {
  modelName: string;
  deployment: Deployment;
}

/** After a failed attempt: the same deployment again, the next candidate, or give up. */
export type NextStep = 'redispatch' | 'next' | 'stop';

/**
 * The fallback rules: nothing is tried again once something reached the client (`opened`) or the
 * client left; a silent dispatcher gets the same deployment again (another replica takes it), at
 * most `MAX_REDISPATCHES` times; any other retryable failure (408, 409, 429, 5xx) moves on to the
 * next candidate; the rest ends the call.
 */
export function shouldTryNext(
  error: GatewayError,
  opened: boolean,
  call: { aborted: boolean; redispatches: number },
): NextStep {
  if (opened || call.aborted) return 'stop';
  if (BUS_FAILURES.has(error.code ?? '') && call.redispatches < MAX_REDISPATCHES) return 'redispatch';
  return error.isRetryable ? 'next' : 'stop';
}

/** A resolved call with its admission ticket and the candidates that ticket was priced for. */
export interface AdmittedModel {
  resolved: ResolvedModel;
  admitted: AdmittedCall;
  candidates: readonly Candidate[];
}

/** What one run through the candidates needs to know of its call. */
export interface FallbackCall extends AdmittedModel {
  context: ChatCallContext;
  signal: AbortSignal;
  stream: boolean;
  route: RouteSummary | null;
}

/** The attempt that answered: its candidate, its number within the call, and what it opened with. */
export interface FirstAnswer<T> {
  candidate: Candidate;
  attempt: number;
  value: T;
}

/**
 * Which deployments may answer a call and in what order, and the loop that tries them: shared by
 * chat and embeddings, so both get fallbacks, cooldowns and redispatch alike.
 */
@Injectable()
export class FallbackPolicy {
  private readonly logger = new Logger(FallbackPolicy.name);

  constructor(
    @Inject(GATEWAY_CONFIGURATION) private readonly configuration: GatewayConfiguration,
    @Inject(ResolveModel) private readonly resolveModel: ResolveModel,
    @Inject(CALL_ADMISSION) private readonly admission: CallAdmission,
    @Inject(DeploymentCooldowns) private readonly cooldowns: DeploymentCooldowns,
    @Inject(IngressMetrics) private readonly metrics: IngressMetrics,
    @Inject(RecordRefusal) private readonly recordRefusal: RecordRefusal,
  ) {}

  /**
   * The resolved model's deployments, then those of its `fallbacks` that the caller may call
   * itself (a key scoped to one model is never answered by another; a router the caller called
   * stands for every model it routes to), without repeats.
   */
  candidatesFor(resolved: ResolvedModel, context: ChatCallContext): Candidate[] {
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

  /**
   * Runs `attempt` on the candidates (those cooling down last, at most `MAX_ATTEMPTS`) until one
   * opens, following `shouldTryNext` after each `AttemptFailure`. When none does, the call is
   * settled, its refusal recorded when no attempt recorded usage, and the last error thrown.
   */
  async firstAnswer<T>(
    call: FallbackCall,
    attempt: (candidate: Candidate, attemptNumber: number) => Promise<T>,
  ): Promise<FirstAnswer<T>> {
    const candidates = this.coolingLast(call.candidates).slice(0, MAX_ATTEMPTS);
    const { context, signal, resolved } = call;
    let lastError: GatewayError | null = null;
    let recorded = false;
    let attempts = 0;
    let redispatches = 0;
    for (const candidate of candidates) {
      let step: NextStep = 'redispatch';
      while (step === 'redispatch') {
        if (signal.aborted) return this.giveUp(call, candidates, lastError, recorded);
        context.observation.model = candidate.modelName;
        context.observation.provider = candidate.deployment.provider.name;
        const attemptNumber = attempts++;
        try {
          return { candidate, attempt: attemptNumber, value: await attempt(candidate, attemptNumber) };
        } catch (thrown) {
          const failure = AttemptFailure.of(thrown);
          lastError = failure.error;
          if (failure.outcome) recorded = true;
          step = shouldTryNext(failure.error, false, { aborted: signal.aborted, redispatches });
          if (step === 'redispatch') {
            // the silent dispatcher was told to cancel (DispatchClient); it may still have been
            // billed, so the budget holds its estimate apart before another attempt is made
            redispatches += 1;
            if (!(await this.reserveAgain(call, attemptNumber))) {
              return this.giveUp(call, candidates, lastError, recorded);
            }
          } else if (step === 'next') {
            this.metrics.fallbacks.inc({
              model_group: resolved.modelGroup,
              reason: failure.error.code ?? String(failure.error.status),
            });
          } else {
            if (!recorded) return this.giveUp(call, candidates, lastError, recorded);
            call.admitted.settle(failure.outcome);
            throw failure.error;
          }
        }
      }
    }
    return this.giveUp(call, candidates, lastError, recorded);
  }

  private async reserveAgain(call: FallbackCall, lostAttempt: number): Promise<boolean> {
    try {
      return (await call.admitted.reserveAgain(lostAttempt)) && !call.signal.aborted;
    } catch (failure) {
      this.logger.warn(`call ${call.context.callId}: could not reserve a redispatch: ${String(failure)}`);
      return false;
    }
  }

  /** No candidate answered: the call is settled and its refusal recorded unless an attempt recorded usage. */
  private giveUp(
    call: FallbackCall,
    candidates: readonly Candidate[],
    lastError: GatewayError | null,
    recorded: boolean,
  ): never {
    call.admitted.settle(null);
    const error =
      lastError ?? GatewayError.unavailable(`no deployment can serve "${call.resolved.modelGroup}"`);
    if (!recorded) {
      const first = candidates[0];
      this.recordRefusal.execute({
        context: call.context,
        modelGroup: call.resolved.modelGroup,
        model: first?.modelName ?? call.resolved.modelName,
        provider: first?.deployment.provider.name ?? 'gateway',
        deploymentId: first?.deployment.id ?? null,
        stream: call.stream,
        route: call.route,
        error,
      });
    }
    throw error;
  }

  /** Deployments cooling down go last: tried only when nothing else is left. */
  private coolingLast(candidates: readonly Candidate[]): readonly Candidate[] {
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
