import type { ComplexityRouterConfig } from '../src/router-config';
import { describeAsks, perSourceTable, targetLines, trainInMemory } from './cross-corpus';
import { routeAsks, routerWith } from './route-asks';
import { type CorpusAsk, tierIndex } from './routing-corpus';
import {
  type RoutingReport,
  type TierPrices,
  type TokenProfile,
  confusionTable,
  routingReport,
  summaryTable,
} from './routing-metrics';
import type { TrainingSettings } from './train-router';

export interface CrossCorpusInput {
  /** corpus A: `corpus/raw` (parts a and b). */
  first: readonly CorpusAsk[];
  /** corpus B: `corpus/second` (other voices and sources). */
  second: readonly CorpusAsk[];
  routerName: string;
  tuned: ComplexityRouterConfig;
  prices: TierPrices;
  profile: TokenProfile;
  /** $ per 1,000 asks, always REASONING. */
  always: number;
  settings: TrainingSettings;
}

export interface CrossCorpusDirection {
  name: string;
  /** the learned classifier trained on the other corpus, on every ask of this one. */
  learned: RoutingReport;
  heuristic: RoutingReport;
  decided: number[];
}

/**
 * Train on one corpus, test on the other, both ways: the learned classifier (trained in memory
 * with `settings` on every ask of the training corpus) beside the heuristic (the router's tuned
 * config and LiteLLM's defaults), with the labels' cost, per source, and confusion matrices.
 */
export async function crossCorpusReport(
  input: CrossCorpusInput,
): Promise<{ text: string; directions: CrossCorpusDirection[] }> {
  const { routerName, tuned, prices, profile, always, settings } = input;
  const sections: string[] = [];
  const directions: CrossCorpusDirection[] = [];
  // the thresholds (`tierOffsets`) were chosen on corpus A, so the model tested on A has none.
  const pairs: [string, readonly CorpusAsk[], readonly CorpusAsk[], TrainingSettings][] = [
    ['train on A (corpus/raw), test on B (corpus/second)', input.first, input.second, settings],
    [
      'train on B (corpus/second), test on A (corpus/raw)',
      input.second,
      input.first,
      { ...settings, tierOffsets: undefined },
    ],
  ];
  for (const [name, train, test, trainSettings] of pairs) {
    const labels = test.map((ask) => tierIndex(ask.tier));
    const model = trainInMemory(train, trainSettings);
    const learned = await routeAsks(
      routerWith(routerName, { tiers: tuned.tiers, classifier_type: 'learned' }, model),
      test,
    );
    const heuristicTuned = await routeAsks(
      routerWith(routerName, { ...tuned, classifier_type: 'heuristic' }),
      test,
    );
    const heuristicDefaults = await routeAsks(routerWith(routerName, { tiers: tuned.tiers }), test);
    const reports = [
      routingReport(`heuristic, ${routerName} tuned config`, labels, heuristicTuned, prices, profile),
      routingReport('heuristic, LiteLLM defaults', labels, heuristicDefaults, prices, profile),
      routingReport(`learned, trained on ${train.length} asks`, labels, learned, prices, profile),
      routingReport('the labels (perfect routing)', labels, labels, prices, profile),
    ];
    directions.push({ name, learned: reports[2], heuristic: reports[0], decided: learned });
    sections.push(
      `#### ${name}`,
      '',
      `Test: ${describeAsks(labels)}; the model never saw them.`,
      '',
      summaryTable(reports, always),
      '',
      'Targets (learned):',
      '',
      ...targetLines(reports[2]),
      '',
      perSourceTable(test, labels, [
        { name: 'heuristic (tuned)', decided: heuristicTuned },
        { name: 'learned', decided: learned },
      ]),
      '',
      `Confusion, learned (${name}):`,
      '',
      confusionTable(reports[2].confusion),
      '',
      `Confusion, heuristic tuned config (${name}):`,
      '',
      confusionTable(reports[0].confusion),
      '',
    );
  }
  return { text: sections.join('\n').trimEnd(), directions };
}
