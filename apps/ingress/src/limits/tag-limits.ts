import type Redis from 'ioredis';
import { BudgetRedisKeys, budgetScopeId, type TagLimitsRecord, tagScopeId } from '@switchyard/contracts';

/** A limit read stays this long in-process: a tag created, changed or deleted counts within a second. */
const CACHE_MS = 1000;
const MAX_ENTRIES = 10_000;

export interface TagLimits extends TagLimitsRecord {
  scopeId: string;
  name: string;
}

/**
 * The limits of the tags a call carries, which no key lookup holds (any request may name a tag):
 * the ledger writes them to Redis (`BudgetRedisKeys.limits`) when a tag is created or changed and
 * at every reseed, and removes them when the tag is deleted or loses its limits; the ingress reads
 * them at admission (one pipeline for the tags it has not read in the last second) and remembers
 * each answer, none included, for a second.
 */
export class TagLimitsReader {
  private readonly cache = new Map<string, { limits: TagLimits | null; readAt: number }>();

  constructor(
    private readonly redis: Redis,
    private readonly now: () => number = Date.now,
  ) {}

  /** The limits of those of `names` that have any, in the order of `names`. */
  async find(names: readonly string[]): Promise<TagLimits[]> {
    if (names.length === 0) return [];
    const now = this.now();
    const known = new Map<string, TagLimits | null>();
    const unread: string[] = [];
    for (const name of names) {
      const cached = this.cache.get(name);
      if (cached && now - cached.readAt < CACHE_MS) known.set(name, cached.limits);
      else unread.push(name);
    }
    if (unread.length > 0) {
      const pipeline = this.redis.pipeline();
      for (const name of unread) pipeline.get(BudgetRedisKeys.limits(budgetScopeId('tag', name)));
      const results = (await pipeline.exec()) ?? [];
      unread.forEach((name, index) => {
        const [error, text] = results[index] ?? [new Error('no reply'), null];
        if (error) throw error;
        const limits = parse(name, text as string | null);
        known.set(name, limits);
        this.remember(name, limits, now);
      });
    }
    return names.map((name) => known.get(name) ?? null).filter((limits) => limits !== null);
  }

  private remember(name: string, limits: TagLimits | null, now: number): void {
    this.cache.delete(name);
    this.cache.set(name, { limits, readAt: now });
    if (this.cache.size > MAX_ENTRIES) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
  }
}

function parse(name: string, text: string | null): TagLimits | null {
  if (text === null) return null;
  try {
    const record = JSON.parse(text) as TagLimitsRecord;
    return { ...record, scopeId: tagScopeId(name, record.created_at), name };
  } catch {
    return null;
  }
}
