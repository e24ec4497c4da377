import type Redis from 'ioredis';
import { BudgetRedisKeys, budgetScopeId, type CustomerLimitsRecord } from '@switchyard/contracts';
import { RecentAnswers } from './recent-answers';

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
  private readonly answers = new RecentAnswers<CustomerLimits | null>();

  constructor(private readonly redis: Redis) {}

  async find(userId: string): Promise<CustomerLimits | null> {
    const now = Date.now();
    const fresh = this.answers.fresh(userId, now);
    if (fresh) return fresh.value;
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
    this.answers.remember(userId, limits, now);
    return limits;
  }
}
