import { Injectable } from '@nestjs/common';

/**
 * The calls of this ingress that hold limits (a parallel slot, a budget reservation) and the
 * settlements still on their way to Redis, so a shutdown can release what calls that never
 * finished still hold, and wait for every release to land before Redis is disconnected.
 */
@Injectable()
export class AdmittedCalls {
  private readonly unsettled = new Set<() => void>();
  private readonly writes = new Set<Promise<unknown>>();

  /** `release` settles the call with no outcome; returns what forgets it once it settled. */
  hold(release: () => void): () => void {
    this.unsettled.add(release);
    return () => this.unsettled.delete(release);
  }

  /** a Redis write the shutdown waits for. */
  track(write: Promise<unknown>): void {
    this.writes.add(write);
    void write.finally(() => this.writes.delete(write));
  }

  get size(): number {
    return this.unsettled.size;
  }

  /** resolves when no call holds limits any more, or false after `timeoutMs`. */
  async settled(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.unsettled.size > 0) {
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return true;
  }

  /** releases every call still holding limits and waits for the writes to land. */
  async releaseAll(): Promise<void> {
    for (const release of [...this.unsettled]) release();
    await Promise.allSettled([...this.writes]);
  }
}
