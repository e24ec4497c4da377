import type Redis from 'ioredis';
import { BudgetRedisKeys, budgetScopeId, type TagLimitsRecord, tagScopeId } from '@switchyard/contracts';
import { RecentAnswers } from './recent-answers';

export interface TagLimits extends TagLimitsRecord {
  scopeId: string;
  name: string;
}

/** What one read found. */
export interface TagLimitsRead {
  /** the limits of the tags that have any, in the order asked; stale ones where a read failed. */
  tags: TagLimits[];
  /** why some tag could not be read (Redis away, a malformed record); null: all were read. */
  failure: Error | null;
  /** tags known to have limits (a record is there) that could not be read, nor remembered: the call cannot be held to them. */
  unreadable: string[];
}

/**
 * The limits of the tags a call carries, which no key lookup holds (any request may name a tag):
 * the ledger writes them to Redis (`BudgetRedisKeys.limits`) when a tag is created or changed and
 * at every reseed, and removes them when the tag is deleted or loses its limits; the ingress reads
 * them at admission (one pipeline for the tags it has not read in the last second) and remembers
 * each answer, none included, for a second. A read that fails (Redis away, a malformed record)
 * falls back to the last answer remembered, however old, so a tag known to have a budget is still
 * one more scope of the call (which Redis away then refuses with 503, as any budgeted scope).
 */
export class TagLimitsReader {
  private readonly answers = new RecentAnswers<TagLimits | null>();

  constructor(
    private readonly redis: Redis,
    private readonly now: () => number = () => Date.now(),
  ) {}

  async find(names: readonly string[]): Promise<TagLimitsRead> {
    const read: TagLimitsRead = { tags: [], failure: null, unreadable: [] };
    if (names.length === 0) return read;
    const now = this.now();
    const known = new Map<string, TagLimits | null>();
    const unread: string[] = [];
    for (const name of names) {
      const fresh = this.answers.fresh(name, now);
      if (fresh) known.set(name, fresh.value);
      else unread.push(name);
    }
    if (unread.length > 0) {
      let results: [Error | null, unknown][];
      try {
        const pipeline = this.redis.pipeline();
        for (const name of unread) pipeline.get(BudgetRedisKeys.limits(budgetScopeId('tag', name)));
        results = (await pipeline.exec()) ?? [];
      } catch (error) {
        results = unread.map(() => [error instanceof Error ? error : new Error(String(error)), null]);
      }
      unread.forEach((name, index) => {
        const [error, text] = results[index] ?? [new Error('no reply from Redis'), null];
        try {
          if (error) throw error;
          const limits = parse(name, text as string | null);
          known.set(name, limits);
          this.answers.remember(name, limits, now);
        } catch (failure) {
          read.failure = failure instanceof Error ? failure : new Error(String(failure));
          const stale = this.answers.last(name);
          if (stale) known.set(name, stale.value);
          // a record that is there but cannot be understood: the tag has limits of some kind
          else if (!error) read.unreadable.push(name);
        }
      });
    }
    read.tags = names.map((name) => known.get(name) ?? null).filter((limits) => limits !== null);
    return read;
  }
}

/** The record, or null when there is none; a record that is not a tag's limits throws. */
function parse(name: string, text: string | null): TagLimits | null {
  if (text === null) return null;
  const record = JSON.parse(text) as Partial<Record<keyof TagLimitsRecord, unknown>> | null;
  const amount = (value: unknown) => value === null || (typeof value === 'number' && value >= 0);
  const valid =
    typeof record === 'object' &&
    record !== null &&
    typeof record.created_at === 'string' &&
    Number.isFinite(Date.parse(record.created_at)) &&
    (record.budget_duration === null || typeof record.budget_duration === 'string') &&
    amount(record.max_budget) &&
    amount(record.rpm_limit) &&
    amount(record.tpm_limit) &&
    amount(record.max_parallel_requests);
  if (!valid) throw new Error(`the limits of tag "${name}" in Redis are malformed`);
  const limits = record as TagLimitsRecord;
  return { ...limits, scopeId: tagScopeId(name, limits.created_at), name };
}
