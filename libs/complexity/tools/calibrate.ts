import { join } from 'node:path';
import { stripSystemReminders } from '../src/ask';
import { LearnedClassifier } from '../src/learned/learned-classifier';
import { type StyleTransform, transformText } from './augment';
import { stratifiedFolds } from './cross-validation';
import { subsetFigures, trainInMemory } from './cross-corpus';
import {
  CORPUS_PATHS,
  type CorpusAsk,
  readRawCorpus,
  readSplit,
  repositoryRoot,
  tierIndex,
} from './routing-corpus';
import { percent } from './routing-metrics';
import { TRAINING_SETTINGS, type TrainingSettings } from './train-router';

/**
 * Chooses the decision thresholds (`tierOffsets`, added to the biases) from corpus A alone:
 * 5-fold cross-validation on A's asks of the train split (never the test split, never corpus B),
 * each held-out fold read as written and in three shifted voices (terse with typos, lowercase
 * after a tool result, verbose with typos). The offsets of SIMPLE, COMPLEX and REASONING (MEDIUM
 * stays 0) are searched on a grid of quarter steps for the highest exact agreement less twice
 * every point by which COMPLEX/REASONING → SIMPLE exceeds 2% or SIMPLE → COMPLEX/REASONING
 * exceeds 5% (the limits). Prints the offsets to put into `TRAINING_SETTINGS`.
 */
const SHIFTS: readonly StyleTransform[][] = [
  [],
  ['terse', 'typos'],
  ['lowercase', 'tool'],
  ['verbose', 'typos'],
];
const STEPS = [-1.5, -1.25, -1, -0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75, 1, 1.25, 1.5];

function decide(logits: readonly number[], offsets: readonly number[]): number {
  let best = 0;
  let bestValue = logits[0] + offsets[0];
  for (let tier = 1; tier < 4; tier += 1) {
    const value = logits[tier] + offsets[tier];
    if (value >= bestValue) {
      best = tier;
      bestValue = value;
    }
  }
  return best;
}

export function chooseOffsets(
  logits: readonly number[][],
  labels: readonly number[],
): { offsets: [number, number, number, number]; figures: ReturnType<typeof subsetFigures> } {
  const members = labels.map((_, index) => index);
  const figuresAt = (offsets: readonly number[]): ReturnType<typeof subsetFigures> =>
    subsetFigures(
      labels,
      logits.map((row) => decide(row, offsets)),
      members,
    );
  let best: [number, number, number, number] = [0, 0, 0, 0];
  let bestFigures = figuresAt(best);
  let bestScore = -Infinity;
  for (const simple of STEPS) {
    for (const complex of STEPS) {
      for (const reasoning of STEPS) {
        const offsets: [number, number, number, number] = [simple, 0, complex, reasoning];
        const figures = figuresAt(offsets);
        const score =
          figures.exact -
          2 * Math.max(0, figures.hardToSimple - 0.02) -
          2 * Math.max(0, figures.simpleToHard - 0.05);
        if (score > bestScore) {
          best = offsets;
          bestFigures = figures;
          bestScore = score;
        }
      }
    }
  }
  return { offsets: best, figures: bestFigures };
}

function main(): void {
  const root = repositoryRoot();
  const trainIds = new Set(readSplit(join(root, CORPUS_PATHS.train)).map((ask) => ask.id));
  const asks = readRawCorpus(root).filter((ask) => trainIds.has(ask.id));
  const settings: TrainingSettings = { ...TRAINING_SETTINGS, tierOffsets: undefined };
  const folds = stratifiedFolds(
    asks.map((ask) => tierIndex(ask.tier)),
    settings.folds,
    settings.seed,
  );
  const logits: number[][] = [];
  const labels: number[] = [];
  for (let fold = 0; fold < settings.folds; fold += 1) {
    const classifier = new LearnedClassifier(
      trainInMemory(
        asks.filter((_, index) => folds[index] !== fold),
        settings,
      ),
    );
    const held: CorpusAsk[] = asks.filter((_, index) => folds[index] === fold);
    for (const shift of SHIFTS) {
      for (const ask of held) {
        const text = shift.reduce((current, transform) => transformText(current, transform), ask.text);
        logits.push(Array.from(classifier.logits(stripSystemReminders(text))));
        labels.push(tierIndex(ask.tier));
      }
    }
    process.stderr.write(`fold ${fold + 1}/${settings.folds}\n`);
  }
  const plain = chooseOffsets(logits, labels);
  const zero = subsetFigures(
    labels,
    logits.map((row) => decide(row, [0, 0, 0, 0])),
    labels.map((_, index) => index),
  );
  const show = (figures: ReturnType<typeof subsetFigures>): string =>
    `exact ${percent(figures.exact)}, COMPLEX/REASONING → SIMPLE ${percent(figures.hardToSimple)}, SIMPLE → COMPLEX/REASONING ${percent(figures.simpleToHard)}`;
  process.stdout.write(
    `${asks.length} asks of corpus A's train split, ${settings.folds}-fold CV, each held-out fold as written and in ${SHIFTS.length - 1} shifted voices (${labels.length} decisions)\n` +
      `offsets 0: ${show(zero)}\n` +
      `chosen tierOffsets [${plain.offsets.join(', ')}]: ${show(plain.figures)}\n`,
  );
}

if (require.main === module) main();
