import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { UsagePublisher } from '@switchyard/bus';
import { type CachedCompletion, chatCacheKey, ResponseCache } from '@switchyard/cache';
import type { Deployment, GatewayConfiguration } from '@switchyard/config';
import {
  type AttemptOutcome,
  type ChatCompletion,
  type ChatCompletionRequest,
  UsageEvents,
} from '@switchyard/contracts';
import { IngressMetrics } from '@switchyard/telemetry';
import { GATEWAY_CONFIGURATION, REDIS } from '../infrastructure/tokens';
import type { ResolvedModel } from '../routing/resolve-model';
import { routeSummaryOf } from '../routing/route-summary';
import type { ChatCallContext } from '../http/chat-context';

const DEFAULT_TTL_SECONDS = 3600;
/** The longest a request may ask an answer to be cached (unless the configured default is longer). */
export const MAX_REQUEST_TTL_SECONDS = 24 * 3600;

/**
 * The cache lifetime a request gets: its `ttl` (or `s-maxage`) when positive, capped at a day or
 * the configured default when that is longer (a request cannot pin entries in Redis, which also
 * holds budget state, for years); otherwise the configured default.
 */
export function requestCacheTtlSeconds(requested: number, defaultTtlSeconds: number): number {
  if (!Number.isFinite(requested) || requested <= 0) return defaultTtlSeconds;
  return Math.min(requested, Math.max(MAX_REQUEST_TTL_SECONDS, defaultTtlSeconds));
}

/** What this request may do with the cache. */
export interface CachePolicy {
  read: boolean;
  write: boolean;
  ttlSeconds: number;
}

export interface CacheLookup {
  key: string | null;
  policy: CachePolicy | null;
  hit: (CachedCompletion & { deployment: Deployment }) | null;
}

const NO_CACHE: CacheLookup = { key: null, policy: null, hit: null };

/**
 * The response cache of chat completions, on when `litellm_settings.cache` is true. Per request,
 * LiteLLM's controls (`cache: {"no-cache": true}`, `"no-store"`, `"ttl"`, capped at a day) and `Cache-Control:
 * no-cache` / `no-store` apply. A hit is answered without dispatching and recorded as a usage
 * event with cost 0 and the cost it saved.
 */
@Injectable()
export class ChatResponseCache {
  private readonly cache: ResponseCache | null;

  constructor(
    @Inject(GATEWAY_CONFIGURATION) private readonly configuration: GatewayConfiguration,
    @Inject(REDIS) redis: Redis,
    @Inject(UsagePublisher) private readonly publisher: UsagePublisher,
    @Inject(IngressMetrics) private readonly metrics: IngressMetrics,
  ) {
    const settings = configuration.litellmSettings;
    this.cache =
      settings.cache === true
        ? new ResponseCache(
            redis,
            settings.cache_params?.namespace ?? 'switchyard.cache',
            settings.cache_params?.ttl ?? DEFAULT_TTL_SECONDS,
            {
              onError: () => this.metrics.cacheRequests.inc({ result: 'error' }),
            },
          )
        : null;
  }

  get enabled(): boolean {
    return this.cache !== null;
  }

  store(): ResponseCache | null {
    return this.cache;
  }

  policy(request: ChatCompletionRequest, cacheControl: string | null): CachePolicy | null {
    if (!this.cache) return null;
    const controls = (
      typeof request.cache === 'object' && request.cache !== null ? request.cache : {}
    ) as Record<string, unknown>;
    const header = (cacheControl ?? '').toLowerCase();
    const ttl = Number(controls.ttl ?? controls['s-maxage']);
    return {
      read: controls['no-cache'] !== true && !/\bno-cache\b/.test(header),
      write: controls['no-store'] !== true && !/\bno-store\b/.test(header),
      ttlSeconds: requestCacheTtlSeconds(ttl, this.cache.defaultTtlSeconds),
    };
  }

  async lookup(
    request: ChatCompletionRequest,
    resolved: ResolvedModel,
    context: ChatCallContext,
  ): Promise<CacheLookup> {
    const policy = this.policy(request, context.cacheControl);
    if (!this.cache || !policy) return NO_CACHE;
    if (!policy.read && !policy.write) {
      this.metrics.cacheRequests.inc({ result: 'bypass' });
      return NO_CACHE;
    }
    const key = chatCacheKey(resolved.modelName, request);
    if (!policy.read) {
      this.metrics.cacheRequests.inc({ result: 'bypass' });
      return { key, policy, hit: null };
    }
    const entry = await this.cache.get(key);
    const deployment = entry ? this.configuration.deployment(entry.outcome.deploymentId) : undefined;
    if (!entry || !deployment) {
      this.metrics.cacheRequests.inc({ result: 'miss' });
      return { key, policy, hit: null };
    }
    this.metrics.cacheRequests.inc({ result: 'hit' });
    this.recordHit(entry, resolved, context, request.stream === true);
    return { key, policy, hit: { ...entry, deployment } };
  }

  save(lookup: CacheLookup, completion: ChatCompletion, outcome: AttemptOutcome): void {
    if (!this.cache || !lookup.key || !lookup.policy?.write) return;
    const finish = completion.choices[0]?.finish_reason;
    if (finish !== 'stop' && finish !== 'tool_calls' && finish !== 'length') return;
    void this.cache.set(lookup.key, { completion, outcome, storedAt: Date.now() }, lookup.policy.ttlSeconds);
  }

  fullKey(key: string): string {
    return this.cache ? this.cache.fullKey(key) : key;
  }

  private recordHit(
    entry: CachedCompletion,
    resolved: ResolvedModel,
    context: ChatCallContext,
    stream: boolean,
  ): void {
    this.publisher.publish(
      UsageEvents.cacheHit(
        {
          requestId: context.callId,
          endpoint: context.endpoint,
          stream,
          startedAt: context.receivedAt,
          modelGroup: resolved.modelGroup,
          route: routeSummaryOf(resolved.decision),
          keyId: context.caller.kind === 'virtual' ? context.caller.keyId : null,
          sessionId: context.sessionId,
          user: context.user,
          metadata: context.metadata,
        },
        entry.outcome,
      ),
    );
  }
}
