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

/**
 * Builds canonical usage from its parts, keeping `input.total = noCache + cacheRead + cacheWrite`
 * and `output.total >= output.reasoning`. Reasoning is never capped at the output: were a converter
 * to pass more reasoning than output, the output total is raised to it, so the reported tokens are
 * billed rather than hidden (the converters apply each provider's rule before this).
 */
export function tokenUsageOf(counts: TokenCounts): TokenUsage {
  const noCache = count(counts.noCache);
  const cacheRead = count(counts.cacheRead);
  const cacheWrite = count(counts.cacheWrite);
  const reasoning = count(counts.reasoning);
  const output = Math.max(count(counts.output), reasoning);
  return {
    input: { total: noCache + cacheRead + cacheWrite, noCache, cacheRead, cacheWrite },
    output: { total: output, reasoning },
  };
}
