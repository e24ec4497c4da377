import { Pool } from 'undici';

export interface RequestSpec {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** streaming: time to first content and total are measured. */
  stream: boolean;
  /**
   * streaming: the bytes whose first appearance marks the first content (TTFT); by default a Chat
   * Completions delta's `"content":"`, for a Responses stream its `response.output_text.delta` event.
   */
  contentMark?: string;
}

export interface LoadResult {
  /** every request sent, warm-up included. */
  sent: number;
  requests: number;
  errors: number;
  durationS: number;
  /** per request, ms. */
  latencies: number[];
  /** streaming: per request, ms to the first data frame carrying content (`RequestSpec.contentMark`). */
  ttfts: number[];
  firstError: string | null;
}

export interface LoadOptions {
  concurrency: number;
  durationMs: number;
  warmupMs: number;
}

const CONTENT_MARK = Buffer.from('"content":"');

/**
 * A closed-loop load generator on undici: `concurrency` workers each send a request, read its
 * whole response, and send the next, for `durationMs` after a warm-up whose results are dropped.
 */
export async function generateLoad(spec: RequestSpec, options: LoadOptions): Promise<LoadResult> {
  const url = new URL(spec.url);
  const pool = new Pool(url.origin, {
    connections: options.concurrency,
    pipelining: 1,
    keepAliveTimeout: 60_000,
  });
  const path = url.pathname + url.search;
  const contentMark = spec.contentMark === undefined ? CONTENT_MARK : Buffer.from(spec.contentMark);
  const result: LoadResult = {
    sent: 0,
    requests: 0,
    errors: 0,
    durationS: 0,
    latencies: [],
    ttfts: [],
    firstError: null,
  };
  const startedAt = performance.now();
  const measureFrom = startedAt + options.warmupMs;
  const stopAt = measureFrom + options.durationMs;

  const worker = async () => {
    while (performance.now() < stopAt) {
      const sentAt = performance.now();
      let firstContentAt: number | null = null;
      let ok = true;
      try {
        const response = await pool.request({ method: 'POST', path, headers: spec.headers, body: spec.body });
        for await (const piece of response.body) {
          if (spec.stream && firstContentAt === null && (piece as Buffer).includes(contentMark))
            firstContentAt = performance.now();
        }
        if (response.statusCode >= 400) {
          ok = false;
          result.firstError ??= `HTTP ${response.statusCode}`;
        }
      } catch (error) {
        ok = false;
        result.firstError ??= (error as Error).message;
      }
      const doneAt = performance.now();
      result.sent += 1;
      if (sentAt < measureFrom) continue;
      result.requests += 1;
      if (!ok) {
        result.errors += 1;
        continue;
      }
      result.latencies.push(doneAt - sentAt);
      if (firstContentAt !== null) result.ttfts.push(firstContentAt - sentAt);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  result.durationS = (performance.now() - measureFrom) / 1000;
  await pool.close();
  return result;
}

/** The value below which `fraction` of the sorted values lie (nearest rank). */
export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))];
}
