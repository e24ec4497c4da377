/** A limit read stays this long in-process: a change made by the ledger counts within a second. */
const FRESH_MS = 1000;
const MAX_ENTRIES = 10_000;

/**
 * The last answer Redis gave for each name (none included), for the limit readers of scopes no
 * key lookup carries (end users, tags): fresh for a second, and kept, however old, as the stand-in
 * when a later read fails; at most 10,000 names, the least recently read going first.
 */
export class RecentAnswers<T> {
  private readonly answers = new Map<string, { value: T; readAt: number }>();

  /** The answer read in the last second, or undefined. */
  fresh(name: string, now: number): { value: T } | undefined {
    const answer = this.answers.get(name);
    return answer && now - answer.readAt < FRESH_MS ? answer : undefined;
  }

  /** The last answer, however old, or undefined. */
  last(name: string): { value: T } | undefined {
    return this.answers.get(name);
  }

  remember(name: string, value: T, now: number): void {
    this.answers.delete(name);
    this.answers.set(name, { value, readAt: now });
    if (this.answers.size > MAX_ENTRIES) {
      const oldest = this.answers.keys().next();
      if (!oldest.done) this.answers.delete(oldest.value);
    }
  }
}
