import { createHash } from 'node:crypto';
import { TIERS } from '@switchyard/contracts';
import { type LearnedModel, modelFromFile } from '../src/learned/learned-model';
import { type CorpusAsk, formatSplit } from './routing-corpus';
import { type RoutingReport, percent } from './routing-metrics';
import { type TrainingSettings, trainModelFile } from './train-router';

/**
 * Trains a model in memory on `asks` with `settings` (the same code as `npm run train:router`,
 * without cross-validation), as the committed file would hold it: int16 weights, pruned.
 * Deterministic: training uses no random numbers.
 */
export function trainInMemory(asks: readonly CorpusAsk[], settings: TrainingSettings): LearnedModel {
  const { file } = trainModelFile(asks, settings, {
    trainAsks: asks.length,
    trainSha256: createHash('sha256').update(formatSplit(asks), 'utf8').digest('hex'),
    crossValidation: { folds: 0, seed: settings.seed, exactAgreement: 0, hardToSimple: 0 },
  });
  return modelFromFile(file);
}

/** Exact agreement, hard → SIMPLE and SIMPLE → hard of the asks at `members` (indices). */
export function subsetFigures(
  labels: readonly number[],
  decided: readonly number[],
  members: readonly number[],
): { exact: number; hardToSimple: number; simpleToHard: number } {
  let exact = 0;
  let hard = 0;
  let hardToSimple = 0;
  let simple = 0;
  let simpleToHard = 0;
  for (const index of members) {
    const label = labels[index];
    const tier = decided[index];
    if (tier === label) exact += 1;
    if (label >= 2) {
      hard += 1;
      if (tier === 0) hardToSimple += 1;
    }
    if (label === 0) {
      simple += 1;
      if (tier >= 2) simpleToHard += 1;
    }
  }
  return {
    exact: members.length === 0 ? 0 : exact / members.length,
    hardToSimple: hard === 0 ? 0 : hardToSimple / hard,
    simpleToHard: simple === 0 ? 0 : simpleToHard / simple,
  };
}

/**
 * One row per source of `asks` (and one for all): how many asks, then for each classifier its
 * exact agreement, the share of hard asks sent to SIMPLE and of SIMPLE asks sent to COMPLEX or
 * REASONING.
 */
export function perSourceTable(
  asks: readonly CorpusAsk[],
  labels: readonly number[],
  classifiers: readonly { name: string; decided: readonly number[] }[],
): string {
  const sources = [...new Set(asks.map((ask) => ask.source))].sort();
  const lines = [
    `| source | asks | ${classifiers.map((classifier) => `${classifier.name}: exact / hard→S / S→hard`).join(' | ')} |`,
    `|---|---:|${classifiers.map(() => '---:').join('|')}|`,
  ];
  const row = (name: string, members: number[]): string => {
    const cells = classifiers.map((classifier) => {
      const figures = subsetFigures(labels, classifier.decided, members);
      return `${percent(figures.exact)} / ${percent(figures.hardToSimple)} / ${percent(figures.simpleToHard)}`;
    });
    return `| ${name} | ${members.length} | ${cells.join(' | ')} |`;
  };
  for (const source of sources) {
    lines.push(
      row(
        source,
        asks.flatMap((ask, index) => (ask.source === source ? [index] : [])),
      ),
    );
  }
  lines.push(
    row(
      '**all**',
      asks.map((_, index) => index),
    ),
  );
  return lines.join('\n');
}

/** The issue's targets for a cross-corpus report, each with its figure and whether it is met. */
export function targetLines(report: RoutingReport): string[] {
  const check = (met: boolean): string => (met ? 'met' : 'not met');
  return [
    `- exact agreement ≥ 85%: ${percent(report.exactAgreement)} (${check(report.exactAgreement >= 0.85)})`,
    `- COMPLEX/REASONING → SIMPLE ≤ 2%: ${percent(report.hardToSimple)} (${check(report.hardToSimple <= 0.02)})`,
    `- SIMPLE → COMPLEX/REASONING ≤ 5%: ${percent(report.simpleToHard)} (${check(report.simpleToHard <= 0.05)})`,
  ];
}

/** "835 asks (210 SIMPLE, …)". */
export function describeAsks(labels: readonly number[]): string {
  return `${labels.length} asks (${TIERS.map((tier, index) => `${labels.filter((label) => label === index).length} ${tier}`).join(', ')})`;
}
