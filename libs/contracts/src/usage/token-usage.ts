import { z } from 'zod';

const count = z.number().int().nonnegative();

/**
 * Canonical token usage of one call, whatever the provider reported.
 * `input.total = noCache + cacheRead + cacheWrite`; `output.reasoning` is part of `output.total`.
 */
export const TokenUsage = z.object({
  input: z.object({ total: count, noCache: count, cacheRead: count, cacheWrite: count }),
  output: z.object({ total: count, reasoning: count }),
});
export type TokenUsage = z.infer<typeof TokenUsage>;

export function emptyTokenUsage(): TokenUsage {
  return { input: { total: 0, noCache: 0, cacheRead: 0, cacheWrite: 0 }, output: { total: 0, reasoning: 0 } };
}
