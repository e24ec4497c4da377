import type { TokenUsage } from '@switchyard/contracts';
import type { ModelPrices } from './model-facts';

/**
 * The cost of one call in US dollars, at full double precision: fresh input at the input price,
 * cache reads and writes at their own prices (the input price when unknown), output at the output
 * price with reasoning tokens at the reasoning price when there is one. Null when the prices are
 * unknown: an unknown cost is never reported as 0.
 */
export function costOf(usage: TokenUsage, prices: ModelPrices | null): number | null {
  if (prices === null) return null;
  const input =
    usage.input.noCache * prices.inputPerToken +
    usage.input.cacheRead * (prices.cacheReadPerToken ?? prices.inputPerToken) +
    usage.input.cacheWrite * (prices.cacheWritePerToken ?? prices.inputPerToken);
  const output =
    prices.reasoningPerToken === null
      ? usage.output.total * prices.outputPerToken
      : (usage.output.total - usage.output.reasoning) * prices.outputPerToken +
        usage.output.reasoning * prices.reasoningPerToken;
  return input + output;
}
