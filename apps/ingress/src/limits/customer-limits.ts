import type Redis from 'ioredis';
import { BudgetRedisKeys, budgetScopeId, type CustomerLimitsRecord } from '@switchyard/contracts';

/** A limit read stays this long in-process: a customer created or changed counts within a second. */
const CACHE_MS = 1000;
const MAX_ENTRIES = 10_000;

export interface CustomerLimits extends CustomerLimitsRecord {
  scopeId: string;
  userId: string;
}

/**
 * The limits of end users (a request's `user`), which no key lookup carries: the ledger writes them
 * to Redis (`BudgetRedisKeys.limits`) when a customer is created and at every reseed; the ingress
 * reads them at admission, remembering each answer (none included) for a second.
 */
export class CustomerLimitsReader {
  private readonly cache = new Map<string, { limits: CustomerLimits | null; readAt: number }>();

  constructor(private readonly redis: Redis) {}

  async find(userId: string): Promise<CustomerLimits | null> {
    const now = Date.now();
    const cached = this.cache.get(userId);
    if (cached && now - cached.readAt < CACHE_MS) return cached.limits;
    const scopeId = budgetScopeId('customer', userId);
    const text = await this.redis.get(BudgetRedisKeys.limits(scopeId));
    let limits: CustomerLimits | null = null;
    if (text !== null) {
      try {
        limits = { ...(JSON.parse(text) as CustomerLimitsRecord), scopeId, userId };
      } catch {
        limits = null;
      }
    }
    this.cache.delete(userId);
    this.cache.set(userId, { limits, readAt: now });
    if (this.cache.size > MAX_ENTRIES) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
    return limits;
  }
}
