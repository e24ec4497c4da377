/**
 * Turns pushed replies (bus callbacks) into an async iterator: values wait in order until read, a
 * failure is thrown to the reader after the values before it, and `return()` (a reader that stops
 * early) runs `onStop` once.
 */
export class ReplyQueue<T> implements AsyncIterableIterator<T> {
  private readonly buffered: T[] = [];
  private reader: { resolve(result: IteratorResult<T>): void; reject(error: Error): void } | null = null;
  private failure: { error: Error } | null = null;
  private ended = false;

  constructor(private readonly onStop: () => void = () => undefined) {}

  push(value: T): void {
    if (this.ended) return;
    const reader = this.reader;
    if (reader) {
      this.reader = null;
      reader.resolve({ value, done: false });
    } else this.buffered.push(value);
  }

  /** the last value was pushed. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    const reader = this.reader;
    this.reader = null;
    reader?.resolve({ value: undefined, done: true });
  }

  fail(error: Error): void {
    if (this.ended) return;
    this.ended = true;
    const reader = this.reader;
    this.reader = null;
    if (reader) reader.reject(error);
    else this.failure = { error };
  }

  next(): Promise<IteratorResult<T>> {
    if (this.buffered.length > 0) return Promise.resolve({ value: this.buffered.shift()!, done: false });
    if (this.failure) {
      const { error } = this.failure;
      this.failure = null;
      return Promise.reject(error);
    }
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => (this.reader = { resolve, reject }));
  }

  return(): Promise<IteratorResult<T>> {
    this.buffered.length = 0;
    this.failure = null;
    if (!this.ended) {
      this.ended = true;
      this.onStop();
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
