import { TIERS } from '@switchyard/contracts';
import { LearnedClassifier } from '../src/learned/learned-classifier';
import { perSourceTable, subsetFigures, targetLines, trainInMemory } from './cross-corpus';
import type { CorpusAsk } from './routing-corpus';
import { routingReport } from './routing-metrics';
import { TRAINING_SETTINGS } from './train-router';

const ASKS: CorpusAsk[] = [
  ['thanks!', 'SIMPLE'],
  ['rename foo to bar', 'SIMPLE'],
  ['fix the null check in parse and add a test', 'MEDIUM'],
  ['write unit tests for slugify', 'MEDIUM'],
  ['migrate every service to the new queue with retries and a dead-letter topic', 'COMPLEX'],
  ['add multi-tenant support across the api, the database and auth', 'COMPLEX'],
  ['why do we lose writes only after a partition heals? reason it through', 'REASONING'],
  ['prove this lock-free queue never loses items', 'REASONING'],
].map(([text, tier], index) => ({
  id: `t:${index + 1}`,
  text,
  tier: tier as CorpusAsk['tier'],
  lang: 'en',
  source: index % 2 === 0 ? 'x' : 'y',
}));

describe(trainInMemory.name, () => {
  it('is deterministic: the same asks give the same weights and the same decisions', () => {
    const settings = { ...TRAINING_SETTINGS, maxIterations: 30 };
    const first = trainInMemory(ASKS, settings);
    const second = trainInMemory(ASKS, settings);
    expect(Buffer.from(second.weights.buffer)).toEqual(Buffer.from(first.weights.buffer));
    expect(Array.from(second.bias)).toEqual(Array.from(first.bias));
    const decide = (model: typeof first): number[] =>
      ASKS.map((ask) => new LearnedClassifier(model).tierIndex(ask.text));
    expect(decide(second)).toEqual(decide(first));
    // it learns its own training asks.
    expect(decide(first)).toEqual(ASKS.map((ask) => TIERS.indexOf(ask.tier)));
  });
});

describe(perSourceTable.name, () => {
  it('prints exact agreement, hard → SIMPLE and SIMPLE → hard per source and for all', () => {
    const labels = ASKS.map((ask) => TIERS.indexOf(ask.tier));
    const decided = [2, 0, 1, 1, 0, 2, 3, 3];
    expect(subsetFigures(labels, decided, [0, 1, 2, 3, 4, 5, 6, 7])).toEqual({
      exact: 6 / 8,
      hardToSimple: 1 / 4,
      simpleToHard: 1 / 2,
    });
    const table = perSourceTable(ASKS, labels, [{ name: 'c', decided }]).split('\n');
    expect(table[2]).toBe('| x | 4 | 50.0% / 50.0% / 100.0% |');
    expect(table[4]).toBe('| **all** | 8 | 75.0% / 25.0% / 50.0% |');
  });

  it('states each target as met or not met', () => {
    const prices = { input: 0, output: 0 };
    const report = routingReport('r', [0, 2, 3], [0, 2, 3], {
      SIMPLE: prices,
      MEDIUM: prices,
      COMPLEX: prices,
      REASONING: prices,
    });
    expect(targetLines(report)).toEqual([
      '- exact agreement ≥ 85%: 100.0% (met)',
      '- COMPLEX/REASONING → SIMPLE ≤ 2%: 0.0% (met)',
      '- SIMPLE → COMPLEX/REASONING ≤ 5%: 0.0% (met)',
    ]);
  });
});
