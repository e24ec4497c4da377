import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type Redis from 'ioredis';
import type { Deployment, GatewayConfiguration, IngressEnvironment } from '@switchyard/config';
import {
  ALL_TIME_END_MS,
  type AttemptOutcome,
  BudgetRedisKeys,
  type ChatCompletionRequest,
  GatewayError,
  keyBudgetWindow,
  type VirtualKey,
} from '@switchyard/contracts';
import { Counter, type Registry } from 'prom-client';
import { IngressMetrics } from '@switchyard/telemetry';
import { type AdmittedCall, type CallAdmission, NOTHING_TO_SETTLE } from '../completion/call-admission';
import type { ChatCallContext } from '../completion/chat-context';
import { RecordRefusal } from '../completion/record-refusal';
import {
  GATEWAY_CONFIGURATION,
  INGRESS_ENVIRONMENT,
  METRICS_REGISTRY,
  REDIS,
} from '../infrastructure/tokens';
import type { ResolvedModel } from '../routing/resolve-model';
import { routeSummaryOf } from '../routing/route-summary';
import { AdmittedCalls } from './admitted-calls';
import { type CallEstimate, estimateCall } from './estimate-call';
import { type AdmitResult, LimitScripts, minuteOf, type SettleRequest } from './limit-scripts';
import { mayCall } from './model-scope';
import { type LimitState, rateLimitHeaders } from './rate-limit-headers';

/** An admitted call that never settles (its ingress died) stops counting after this long. */
const IN_FLIGHT_HOLD_MS = 15 * 60_000;
const DEGRADED_LOG_INTERVAL_MS = 30_000;
/** A release that could not reach Redis is tried again this often (it is idempotent). */
const RELEASE_RETRIES = 3;
const RELEASE_RETRY_MS = 1000;

type RefusalReason =
  | 'key_expired'
  | 'model_not_allowed'
  | 'budget_exceeded'
  | 'rpm_limit'
  | 'tpm_limit'
  | 'parallel_limit'
  | 'limits_unavailable';

interface RefusalSite {
  modelGroup: string;
  model: string;
  provider: string;
  deploymentId: string | null;
  stream: boolean;
  resolved: ResolvedModel | null;
}

/**
 * Admission for virtual keys: scope and expiry before the model is resolved; then, in one Redis
 * script, requests and tokens per minute, calls in flight and the budget (spend counter + what
 * calls in flight reserved + this call's estimate ≤ max_budget), counting the call only when every
 * limit lets it through. Settling releases the reservation: the real cost stays reserved until the
 * ledger has counted it, so a budget is overshot by at most what calls in flight spend beyond
 * their estimates. The master key is never limited.
 *
 * Redis unreachable: rate limits fail open (logged, counted in `switchyard_limits_unavailable_total`);
 * a key with a budget is refused with 503, because a budget is a promise about money that cannot be
 * checked.
 */
@Injectable()
export class KeyAdmission implements CallAdmission {
  private readonly logger = new Logger('Limits');
  private readonly scripts: LimitScripts;
  private readonly unavailable: Counter | null;
  private lastDegradedLogAt = 0;

  constructor(
    @Inject(REDIS) redis: Redis,
    @Inject(GATEWAY_CONFIGURATION) private readonly configuration: GatewayConfiguration,
    @Inject(INGRESS_ENVIRONMENT) private readonly environment: IngressEnvironment,
    @Inject(RecordRefusal) private readonly recordRefusal: RecordRefusal,
    @Optional() @Inject(IngressMetrics) private readonly metrics: IngressMetrics | null = null,
    @Optional() @Inject(METRICS_REGISTRY) registry: Registry | null = null,
    @Optional() @Inject(AdmittedCalls) private readonly calls: AdmittedCalls = new AdmittedCalls(),
  ) {
    this.scripts = new LimitScripts(redis);
    this.unavailable = registry ? limitsUnavailableCounter(registry) : null;
  }

  authorize(context: ChatCallContext, modelGroup: string): void {
    if (context.caller.kind !== 'virtual') return;
    const key = context.caller.key;
    const site: RefusalSite = {
      modelGroup,
      model: modelGroup,
      provider: 'gateway',
      deploymentId: null,
      stream: false,
      resolved: null,
    };
    if (key.expires !== null && Date.parse(key.expires) <= Date.now()) {
      this.refuse(
        context,
        site,
        'key_expired',
        GatewayError.unauthorized(`This API key expired at ${key.expires}.`),
      );
    }
    if (!mayCall(key.models, modelGroup, this.configuration)) {
      this.refuse(
        context,
        site,
        'model_not_allowed',
        GatewayError.forbidden(
          `This key may not call "${modelGroup}"; the models it may call are: ${key.models.join(', ')}.`,
        ),
      );
    }
  }

  permits(context: ChatCallContext, modelName: string): boolean {
    return (
      context.caller.kind !== 'virtual' || mayCall(context.caller.key.models, modelName, this.configuration)
    );
  }

  async admit(
    context: ChatCallContext,
    resolved: ResolvedModel,
    request: ChatCompletionRequest,
    candidates: readonly Deployment[] = resolved.deployments,
  ): Promise<AdmittedCall> {
    if (context.caller.kind !== 'virtual') return NOTHING_TO_SETTLE;
    const key = context.caller.key;
    if (
      key.max_budget === null &&
      key.rpm_limit === null &&
      key.tpm_limit === null &&
      key.max_parallel_requests === null
    ) {
      return NOTHING_TO_SETTLE;
    }
    const first = resolved.deployments[0];
    const site: RefusalSite = {
      modelGroup: resolved.modelGroup,
      model: resolved.modelName,
      provider: first?.provider.name ?? 'gateway',
      deploymentId: first?.id ?? null,
      stream: request.stream === true,
      resolved,
    };
    // priced at the dearest deployment that may answer, fallbacks included
    const estimate = estimateCall(request, candidates, this.environment.BUDGET_OUTPUT_TOKEN_ALLOWANCE);
    const nowMs = Date.now();
    const window = keyBudgetWindow(key.created_at, key.budget_duration, nowMs);
    const spendKey = BudgetRedisKeys.spend(key.key_id, window);
    let result: AdmitResult;
    try {
      result = await this.scripts.admit({
        keyId: key.key_id,
        callId: context.callId,
        nowMs,
        spendKey,
        rpmLimit: key.rpm_limit,
        tpmLimit: key.tpm_limit,
        parallelLimit: key.max_parallel_requests,
        maxBudget: key.max_budget,
        estimateUsd: estimate.costUsd,
        estimateTokens: estimate.inputTokens,
        holdMs: IN_FLIGHT_HOLD_MS,
      });
    } catch (error) {
      this.degraded(error);
      // a timed-out script may still have run (late): release whatever it took, by call id
      this.release(key, context.callId, 0);
      if (key.max_budget === null) return NOTHING_TO_SETTLE;
      return this.refuse(
        context,
        site,
        'limits_unavailable',
        GatewayError.unavailable(
          "The key's budget cannot be checked right now (its counters are unreachable); retry shortly.",
          { retryAfterMs: 1000 },
        ),
      );
    }
    const label = key.key_alias ?? key.key_name;
    switch (result.outcome) {
      case 'ok':
        return this.admitted(key, context.callId, nowMs, spendKey, estimate, result);
      case 'rpm':
        return this.refuse(
          context,
          site,
          'rpm_limit',
          GatewayError.rateLimited(
            `Rate limit reached for key "${label}": its rpm_limit is ${key.rpm_limit} requests per minute, and ${result.requests} were made in the last minute.`,
            result.resetMs,
            {
              headers: rateLimitHeaders({
                requests: { limit: key.rpm_limit ?? 0, remaining: 0, resetMs: result.resetMs },
              }),
            },
          ),
        );
      case 'tpm':
        return this.refuse(
          context,
          site,
          'tpm_limit',
          GatewayError.rateLimited(
            `Rate limit reached for key "${label}": its tpm_limit is ${key.tpm_limit} tokens per minute; ${result.tokens} were counted in the last minute and this request needs about ${estimate.inputTokens}.`,
            result.resetMs,
            {
              headers: rateLimitHeaders({
                tokens: { limit: key.tpm_limit ?? 0, remaining: 0, resetMs: result.resetMs },
              }),
            },
          ),
        );
      case 'parallel':
        return this.refuse(
          context,
          site,
          'parallel_limit',
          GatewayError.rateLimited(
            `Too many requests in flight for key "${label}": its max_parallel_requests is ${key.max_parallel_requests}, and ${result.running} are running.`,
            result.resetMs,
            { code: 'parallel_request_limit_exceeded' },
          ),
        );
      case 'budget':
        return this.refuse(
          context,
          site,
          'budget_exceeded',
          budgetExceeded(key, label, estimate, result.spendUsd, result.reservedUsd, window.endMs, nowMs),
        );
    }
  }

  private admitted(
    key: VirtualKey,
    callId: string,
    admittedAtMs: number,
    spendKey: string,
    estimate: CallEstimate,
    result: Extract<AdmitResult, { outcome: 'ok' }>,
  ): AdmittedCall {
    const state: LimitState = {};
    if (key.rpm_limit !== null) {
      state.requests = {
        limit: key.rpm_limit,
        remaining: key.rpm_limit - result.requests,
        resetMs: result.requestsResetMs,
      };
    }
    if (key.tpm_limit !== null) {
      state.tokens = {
        limit: key.tpm_limit,
        remaining: key.tpm_limit - result.tokens,
        resetMs: 60_000 - (admittedAtMs % 60_000),
      };
    }
    const headers = rateLimitHeaders(state);
    if (key.max_budget !== null) {
      headers['x-litellm-key-max-budget'] = String(key.max_budget);
      headers['x-litellm-key-spend'] = String(result.spendUsd);
    }
    let settled = false;
    const settle = (outcome: AttemptOutcome | null) => {
      if (settled) return;
      settled = true;
      forget();
      const used = outcome ? outcome.usage.input.total + outcome.usage.output.total : 0;
      const write = this.settleCall(key, callId, {
        costUsd: outcome?.costUsd ?? null,
        eventId: outcome?.eventId ?? null,
        tokensMinute: key.tpm_limit === null ? null : minuteOf(admittedAtMs),
        tokensDelta: used - estimate.inputTokens,
      }).catch((error: unknown) => {
        this.degraded(error);
        // it may have run late, or not at all: release (never hold twice), the ledger counts the cost
        this.release(key, callId, 1);
      });
      this.calls.track(write);
    };
    const forget = this.calls.hold(() => settle(null));
    return {
      headers,
      settle,
      reserveAgain: async (lostAttempt: number) => {
        if (key.max_budget === null || settled) return true;
        try {
          return await this.scripts.reserveAgain({
            keyId: key.key_id,
            callId,
            lostAttempt,
            nowMs: Date.now(),
            spendKey,
            maxBudget: key.max_budget,
            estimateUsd: estimate.costUsd,
            holdMs: IN_FLIGHT_HOLD_MS,
          });
        } catch (error) {
          this.degraded(error);
          return false; // a budget that cannot be checked does not pay twice
        }
      },
    };
  }

  /**
   * Frees the call's parallel slot and reservation (idempotent), retried while Redis fails; what
   * still fails is freed by the in-flight hold (15 minutes).
   */
  private release(key: VirtualKey, callId: string, attempt: number): void {
    if (key.max_parallel_requests === null && key.max_budget === null) return;
    const write = this.settleCall(key, callId, {
      costUsd: null,
      eventId: null,
      tokensMinute: null,
      tokensDelta: 0,
    }).catch(() => {
      // the failure that made this release necessary was counted and logged already
      if (attempt >= RELEASE_RETRIES) return;
      const retry = setTimeout(() => this.release(key, callId, attempt + 1), RELEASE_RETRY_MS);
      retry.unref();
    });
    this.calls.track(write);
  }

  /** One settle script call for the key's call; `outcome` says what the call cost and used. */
  private settleCall(
    key: VirtualKey,
    callId: string,
    outcome: Pick<SettleRequest, 'costUsd' | 'eventId' | 'tokensMinute' | 'tokensDelta'>,
  ): Promise<void> {
    return this.scripts.settle({
      keyId: key.key_id,
      callId,
      nowMs: Date.now(),
      parallel: key.max_parallel_requests !== null,
      budget: key.max_budget !== null,
      ...outcome,
    });
  }

  private refuse(
    context: ChatCallContext,
    site: RefusalSite,
    reason: RefusalReason,
    error: GatewayError,
  ): never {
    this.metrics?.refusals.inc({ reason });
    this.recordRefusal.execute({
      context,
      modelGroup: site.modelGroup,
      model: site.model,
      provider: site.provider,
      deploymentId: site.deploymentId,
      stream: site.stream,
      route: site.resolved ? routeSummaryOf(site.resolved.decision) : null,
      error,
    });
    throw error;
  }

  private degraded(error: unknown): void {
    this.unavailable?.inc();
    const now = Date.now();
    if (now - this.lastDegradedLogAt < DEGRADED_LOG_INTERVAL_MS) return;
    this.lastDegradedLogAt = now;
    this.logger.warn(
      `rate limits and budgets cannot reach Redis (${error instanceof Error ? error.message : String(error)}): rate limits are not enforced, keys with a budget are refused`,
    );
  }
}

/** Admissions and settlements that could not reach Redis (rate limits were not enforced for them). */
function limitsUnavailableCounter(registry: Registry): Counter {
  const name = 'switchyard_limits_unavailable_total';
  const existing = registry.getSingleMetric(name);
  if (existing instanceof Counter) return existing;
  return new Counter({
    name,
    help: 'Rate-limit and budget checks or settlements that could not reach Redis (limits fail open; budgeted keys are refused).',
    registers: [registry],
  });
}

function budgetExceeded(
  key: VirtualKey,
  label: string,
  estimate: CallEstimate,
  spendUsd: number,
  reservedUsd: number,
  windowEndMs: number,
  nowMs: number,
): GatewayError {
  const budget = key.max_budget ?? 0;
  const overshoot = spendUsd + reservedUsd + estimate.costUsd - budget;
  const resets = windowEndMs !== ALL_TIME_END_MS;
  const message =
    `Budget exceeded for key "${label}": its max_budget is ${usd(budget)}${resets ? ` per ${key.budget_duration}` : ''}; ` +
    `it has spent ${usd(spendUsd)}${resets ? ' in this budget window' : ''}, ${usd(reservedUsd)} is reserved for requests in flight, ` +
    `and this request may cost up to ${usd(estimate.costUsd)}, which would exceed the budget by ${usd(overshoot)}.` +
    (resets ? ` The budget resets at ${new Date(windowEndMs).toISOString()}.` : '');
  return new GatewayError(429, 'budget_exceeded', message, {
    code: 'budget_exceeded',
    param: 'max_budget',
    retryable: false,
    retryAfterMs: resets ? windowEndMs - nowMs : null,
  });
}

/** Dollars with the precision small costs need: `$0.0000812`, `$1.25`. */
function usd(amount: number): string {
  return `$${Number(amount.toPrecision(4))}`;
}
