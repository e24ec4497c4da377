import type { ClassifyDecision, RouteSummary } from '@switchyard/contracts';

/** The part of a routing decision that travels on the usage event (no prompt text, no keywords). */
export function routeSummaryOf(decision: ClassifyDecision | null): RouteSummary | null {
  if (!decision) return null;
  return {
    router: decision.router,
    tier: decision.tier,
    score: decision.score,
    cause: decision.cause,
    dimensions: Object.fromEntries(decision.dimensions.map((dimension) => [dimension.name, dimension.raw])),
  };
}
