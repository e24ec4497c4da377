import { ComplexityRouter } from '../src/complexity-router';
import type { LearnedModel } from '../src/learned/learned-model';
import type { ComplexityRouterConfig } from '../src/router-config';
import { type CorpusAsk, tierIndex } from './routing-corpus';

/** A router for evaluation: every context window unknown, optionally with in-memory weights. */
export function routerWith(
  name: string,
  config: ComplexityRouterConfig,
  learnedModel?: LearnedModel,
): ComplexityRouter {
  return new ComplexityRouter({ name, config }, { contextWindowOf: () => null, learnedModel });
}

/** The complexity tier a router gives each ask, sent as one user turn (capacity is left out). */
export async function routeAsks(router: ComplexityRouter, asks: readonly CorpusAsk[]): Promise<number[]> {
  const tiers: number[] = [];
  for (const ask of asks) {
    const decision = await router.decide({
      router: router.name,
      body: { model: router.name, messages: [{ role: 'user', content: ask.text }] },
      requestBytes: Buffer.byteLength(ask.text),
      session: null,
    });
    const tier = decision.complexity.tier;
    if (tier === null) throw new Error(`${router.name} gave no tier for ${ask.id}`);
    tiers.push(tierIndex(tier));
  }
  return tiers;
}
