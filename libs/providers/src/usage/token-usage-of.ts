import type { TokenUsage } from '@switchyard/contracts';

export interface TokenCounts {
  noCache: number;
  cacheRead?: number;
  cacheWrite?: number;
  output: number;
  reasoning?: number;
}

function count(value: number | undefined): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

/** Builds canonical usage from its parts, keeping `input.total = noCache + cacheRead + cacheWrite`. */
export function tokenUsageOf(counts: TokenCounts): TokenUsage {
  const noCache = count(counts.noCache);
  const cacheRead = count(counts.cacheRead);
  const cacheWrite = count(counts.cacheWrite);
  const output = count(counts.output);
  return {
    input: { total: noCache + cacheRead + cacheWrite, noCache, cacheRead, cacheWrite },
    output: { total: output, reasoning: Math.min(count(counts.reasoning), output) },
  };
}
