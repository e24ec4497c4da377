import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type Redis from 'ioredis';
import type { Deployment, GatewayConfiguration, IngressEnvironment } from '@switchyard/config';
import {
  ALL_TIME_END_MS,
  type AttemptOutcome,
  type ChatCompletionRequest,
  GatewayError,
  MAX_TAG_SCOPES,
  NO_GRANTS,
  tagsOf,
} from '@switchyard/contracts';
import { Counter, type Registry } from 'prom-client';
import { IngressMetrics } from '@switchyard/telemetry';
import { type AdmittedCall, type CallAdmission, NOTHING_TO_SETTLE } from './call-admission';
import type { ChatCallContext } from '../http/chat-context';
import { RecordRefusal } from './record-refusal';
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
import { type CallScope, callScopes, scopeLimitsRequest } from './call-scopes';
import { type CustomerLimits, CustomerLimitsReader } from './customer-limits';
import { type TagLimits, TagLimitsReader } from './tag-limits';
import { type AdmitScopesResult, LimitScripts, minuteOf, type ScopeCounts } from './limit-scripts';
import { callerMayCall, mayCall, modelScopesOf } from './model-scope';
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
  | 'limits_unavailable'
  | 'customer_blocked'
  | 'too_many_limited_tags';

interface RefusalSite {
  modelGroup: string;
  model: string;
  provider: string;
  deploymentId: string | null;
  stream: boolean;
  resolved: ResolvedModel | null;
}

/**
 * Admission for virtual keys: scope (the key's models, its team's and its internal user's) and expiry before the model
 * is resolved; then, in one Redis script over every scope of the call (the key, its team, its
 * internal user, its end user, its tags: `callScopes`), requests and tokens per minute, calls in flight and the budget
 * (spend counter + what calls in flight reserved + this call's estimate ≤ max_budget), counting
 * the call only when every limit of every scope lets it through. Settling releases the reservation: the real cost stays reserved until the
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
  private readonly customers: CustomerLimitsReader;
  private readonly tags: TagLimitsReader;
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
    this.customers = new CustomerLimitsReader(redis);
    this.tags = new TagLimitsReader(redis);
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
    for (const scope of modelScopesOf(context.caller)) {
      if (!mayCall(scope.models, modelGroup, this.configuration)) {
        this.refuse(context, site, 'model_not_allowed', GatewayError.forbidden(scope.refusal(modelGroup)));
      }
    }
  }

  permits(context: ChatCallContext, modelName: string): boolean {
    return callerMayCall(context.caller, modelName, this.configuration);
  }

  async admit(
    context: ChatCallContext,
    resolved: ResolvedModel,
    request: ChatCompletionRequest,
    candidates: readonly Deployment[] = resolved.deployments,
  ): Promise<AdmittedCall> {
    if (context.caller.kind !== 'virtual') return NOTHING_TO_SETTLE;
    const key = context.caller.key;
    const nowMs = Date.now();
    const first = resolved.deployments[0];
    const site: RefusalSite = {
      modelGroup: resolved.modelGroup,
      model: resolved.modelName,
      provider: first?.provider.name ?? 'gateway',
      deploymentId: first?.id ?? null,
      stream: request.stream === true,
      resolved,
    };
    const customer = await this.customerOf(context);
    if (customer?.blocked) {
      return this.refuse(
        context,
        site,
        'customer_blocked',
        GatewayError.forbidden(`End user "${customer.userId}" is blocked.`, 'end_user_blocked'),
      );
    }
    const grants = context.caller.grants ?? NO_GRANTS;
    const { tags, unreadable } = await this.tagsOf(context, key.tags ?? [], grants.team?.tags ?? []);
    if (unreadable.length > 0) {
      return this.refuse(
        context,
        site,
        'limits_unavailable',
        GatewayError.unavailable(
          `The limits of tag "${unreadable[0]}" cannot be read right now; retry shortly.`,
          { retryAfterMs: 1000 },
        ),
      );
    }
    if (tags.length > MAX_TAG_SCOPES) {
      return this.refuse(
        context,
        site,
        'too_many_limited_tags',
        GatewayError.invalidRequest(
          `This request carries ${tags.length} tags with a budget or rate limit (${tags.map((tag) => `tag "${tag.name}"`).join(', ')}); at most ${MAX_TAG_SCOPES} may apply to one request.`,
          'metadata.tags',
          'too_many_limited_tags',
        ),
      );
    }
    const scopes = callScopes(key, grants, nowMs, customer, tags);
    if (scopes.length === 0) return NOTHING_TO_SETTLE;
    // priced at the dearest deployment that may answer, fallbacks included
    const estimate = estimateCall(request, candidates, this.environment.BUDGET_OUTPUT_TOKEN_ALLOWANCE);
    let result: AdmitScopesResult;
    try {
      result = await this.scripts.admitScopes({
        callId: context.callId,
        nowMs,
        estimateUsd: estimate.costUsd,
        estimateTokens: estimate.inputTokens,
        holdMs: IN_FLIGHT_HOLD_MS,
        scopes: scopes.map(scopeLimitsRequest),
      });
    } catch (error) {
      this.degraded(error);
      // a timed-out script may still have run (late): release whatever it took, by call id
      this.release(scopes, context.callId, 0);
      const budgeted = scopes.find((scope) => scope.limits.max_budget !== null);
      if (!budgeted) return NOTHING_TO_SETTLE;
      return this.refuse(
        context,
        site,
        'limits_unavailable',
        GatewayError.unavailable(
          `The budget of ${budgeted.label} cannot be checked right now (its counters are unreachable); retry shortly.`,
          { retryAfterMs: 1000 },
        ),
      );
    }
    if (result.outcome === 'ok') return this.admitted(scopes, context.callId, nowMs, estimate, result.scopes);
    const scope = scopes[result.scopeIndex];
    const limits = scope.limits;
    const label = scope.label;
    switch (result.outcome) {
      case 'rpm':
        return this.refuse(
          context,
          site,
          'rpm_limit',
          GatewayError.rateLimited(
            `Rate limit reached for ${label}: its rpm_limit is ${limits.rpm_limit} requests per minute, and ${result.requests} were made in the last minute.`,
            result.resetMs,
            {
              headers: rateLimitHeaders({
                requests: { limit: limits.rpm_limit ?? 0, remaining: 0, resetMs: result.resetMs },
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
            `Rate limit reached for ${label}: its tpm_limit is ${limits.tpm_limit} tokens per minute; ${result.tokens} were counted in the last minute and this request needs about ${estimate.inputTokens}.`,
            result.resetMs,
            {
              headers: rateLimitHeaders({
                tokens: { limit: limits.tpm_limit ?? 0, remaining: 0, resetMs: result.resetMs },
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
            `Too many requests in flight for ${label}: its max_parallel_requests is ${limits.max_parallel_requests}, and ${result.running} are running.`,
            result.resetMs,
            { code: 'parallel_request_limit_exceeded' },
          ),
        );
      case 'budget':
        return this.refuse(
          context,
          site,
          'budget_exceeded',
          budgetExceeded(scope, estimate, result.spendUsd, result.reservedUsd, nowMs),
        );
    }
  }

  private admitted(
    scopes: readonly CallScope[],
    callId: string,
    admittedAtMs: number,
    estimate: CallEstimate,
    counts: readonly ScopeCounts[],
  ): AdmittedCall {
    const headers = admissionHeaders(scopes, counts, admittedAtMs);
    let settled = false;
    const settle = (outcome: AttemptOutcome | null) => {
      if (settled) return;
      settled = true;
      forget();
      const used = outcome ? outcome.usage.input.total + outcome.usage.output.total : 0;
      const write = this.settleScopes(scopes, callId, {
        costUsd: outcome?.costUsd ?? null,
        eventId: outcome?.eventId ?? null,
        tokensMinute: scopes.some((scope) => scope.limits.tpm_limit !== null) ? minuteOf(admittedAtMs) : null,
        tokensDelta: used - estimate.inputTokens,
      }).catch((error: unknown) => {
        this.degraded(error);
        // it may have run late, or not at all: release (never hold twice), the ledger counts the cost
        this.release(scopes, callId, 1);
      });
      this.calls.track(write);
    };
    const forget = this.calls.hold(() => settle(null));
    const budgeted = scopes.filter((scope) => scope.limits.max_budget !== null);
    return {
      headers,
      settle,
      reserveAgain: async (lostAttempt: number) => {
        if (budgeted.length === 0 || settled) return true;
        try {
          return await this.scripts.reserveAgainScopes({
            callId,
            lostAttempt,
            nowMs: Date.now(),
            estimateUsd: estimate.costUsd,
            holdMs: IN_FLIGHT_HOLD_MS,
            scopes: budgeted.map((scope) => ({
              scopeId: scope.scopeId,
              spendKey: scope.spendKey,
              maxBudget: scope.limits.max_budget ?? 0,
            })),
          });
        } catch (error) {
          this.degraded(error);
          return false; // a budget that cannot be checked does not pay twice
        }
      },
    };
  }

  /** The limits of the end user the request names; none when Redis cannot say (the script then fails). */
  private async customerOf(context: ChatCallContext): Promise<CustomerLimits | null> {
    if (context.user === null) return null;
    try {
      return await this.customers.find(context.user);
    } catch (error) {
      this.degraded(error);
      return null;
    }
  }

  /**
   * The limits of the tags the call carries (`tagsOf`, the set the ledger charges). When Redis
   * cannot say, the last limits read of each tag stand in (a budgeted one is then refused with 503
   * by the admission script failing, as any budgeted scope); a tag whose record is there but cannot
   * be read, with nothing remembered, is `unreadable` (refused with 503).
   */
  private async tagsOf(
    context: ChatCallContext,
    keyTags: readonly string[],
    teamTags: readonly string[],
  ): Promise<{ tags: TagLimits[]; unreadable: string[] }> {
    const names = tagsOf(context.metadata, keyTags, teamTags);
    if (names.length === 0) return { tags: [], unreadable: [] };
    const read = await this.tags.find(names);
    if (read.failure) this.degraded(read.failure);
    return { tags: read.tags, unreadable: read.unreadable };
  }

  /**
   * Frees the call's parallel slot and reservation (idempotent), retried while Redis fails; what
   * still fails is freed by the in-flight hold (15 minutes).
   */
  private release(scopes: readonly CallScope[], callId: string, attempt: number): void {
    const held = scopes.filter(
      (scope) => scope.limits.max_parallel_requests !== null || scope.limits.max_budget !== null,
    );
    if (held.length === 0) return;
    const write = this.settleScopes(held, callId, {
      costUsd: null,
      eventId: null,
      tokensMinute: null,
      tokensDelta: 0,
    }).catch(() => {
      // the failure that made this release necessary was counted and logged already
      if (attempt >= RELEASE_RETRIES) return;
      const retry = setTimeout(() => this.release(scopes, callId, attempt + 1), RELEASE_RETRY_MS);
      retry.unref();
    });
    this.calls.track(write);
  }

  /** One settle script call for the call's scopes; `outcome` says what the call cost and used. */
  private settleScopes(
    scopes: readonly CallScope[],
    callId: string,
    outcome: {
      costUsd: number | null;
      eventId: string | null;
      tokensMinute: number | null;
      tokensDelta: number;
    },
  ): Promise<void> {
    return this.scripts.settleScopes({
      callId,
      nowMs: Date.now(),
      ...outcome,
      scopes: scopes.map(settledScope),
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
  scope: CallScope,
  estimate: CallEstimate,
  spendUsd: number,
  reservedUsd: number,
  nowMs: number,
): GatewayError {
  const budget = scope.limits.max_budget ?? 0;
  const windowEndMs = scope.window.endMs;
  const overshoot = spendUsd + reservedUsd + estimate.costUsd - budget;
  const resets = windowEndMs !== ALL_TIME_END_MS;
  const message =
    `Budget exceeded for ${scope.label}: its max_budget is ${usd(budget)}${resets ? ` per ${scope.limits.budget_duration}` : ''}; ` +
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

/** What a settlement releases in a scope: what the admission counted there. */
function settledScope(scope: CallScope): {
  scopeId: string;
  parallel: boolean;
  budget: boolean;
  tokens: boolean;
} {
  return {
    scopeId: scope.scopeId,
    parallel: scope.limits.max_parallel_requests !== null,
    budget: scope.limits.max_budget !== null,
    tokens: scope.limits.tpm_limit !== null,
  };
}

/** `x-ratelimit-*` of the key (else of its first limited scope), and the key's and team's budgets. */
function admissionHeaders(
  scopes: readonly CallScope[],
  counts: readonly ScopeCounts[],
  admittedAtMs: number,
): Record<string, string> {
  const state: LimitState = {};
  const limited = scopes[0];
  const count = counts[0];
  if (limited.limits.rpm_limit !== null) {
    state.requests = {
      limit: limited.limits.rpm_limit,
      remaining: limited.limits.rpm_limit - count.requests,
      resetMs: count.requestsResetMs,
    };
  }
  if (limited.limits.tpm_limit !== null) {
    state.tokens = {
      limit: limited.limits.tpm_limit,
      remaining: limited.limits.tpm_limit - count.tokens,
      resetMs: 60_000 - (admittedAtMs % 60_000),
    };
  }
  const headers = rateLimitHeaders(state);
  scopes.forEach((scope, index) => {
    if (
      scope.limits.max_budget === null ||
      scope.kind === 'user' ||
      scope.kind === 'customer' ||
      scope.kind === 'tag'
    )
      return;
    headers[`x-litellm-${scope.kind}-max-budget`] = String(scope.limits.max_budget);
    headers[`x-litellm-${scope.kind}-spend`] = String(counts[index].spendUsd);
  });
  return headers;
}

/** Dollars with the precision small costs need: `$0.0000812`, `$1.25`. */
function usd(amount: number): string {
  return `$${Number(amount.toPrecision(4))}`;
}
