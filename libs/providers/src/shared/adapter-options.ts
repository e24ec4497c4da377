/** Injected clock, so translated responses are reproducible in tests. */
export interface AdapterOptions {
  /** epoch milliseconds; defaults to `Date.now`. */
  now?: () => number;
}

export function clockOf(options: AdapterOptions): () => number {
  return options.now ?? Date.now;
}

export function unixSeconds(milliseconds: number): number {
  return Math.floor(milliseconds / 1000);
}
