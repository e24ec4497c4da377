import { setTimeout as sleep } from 'node:timers/promises';

export interface EventuallyOptions {
  /** give up after this long (a deadline for a state to be reached, never a timing assertion). */
  timeoutMs?: number;
  intervalMs?: number;
  /** what is awaited, for the failure message. */
  description?: string;
}

/**
 * Polls `read` until `accept` holds, and returns that value. Fails with the last value read when
 * the state is not reached in time, so a failure shows what the service said instead.
 */
export async function eventually<T>(
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  options: EventuallyOptions = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await read();
      lastError = undefined;
      if (accept(last)) return last;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const seen =
        lastError === undefined
          ? JSON.stringify(last, null, 2)?.slice(0, 4000)
          : lastError instanceof Error
            ? lastError.message
            : JSON.stringify(lastError);
      throw new Error(`${options.description ?? 'condition'} was not reached; last seen: ${seen}`);
    }
    await sleep(options.intervalMs ?? 200);
  }
}
