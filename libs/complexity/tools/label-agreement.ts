import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { TIERS, Tier } from '@switchyard/contracts';
import { type CorpusAsk, tierIndex } from './routing-corpus';
import { type ConfusionMatrix, confusionTable, emptyConfusion, percent } from './routing-metrics';

/**
 * One ask labelled again, blind, by two more readers of the rubric (`r1`, `r2`): no reader saw the
 * ask's label, the other reader's answer or any model's decision. `author` is the tier its author
 * gave it (the corpus's label).
 */
const RelabelLine = z.strictObject({ id: z.string().min(1), author: Tier, r1: Tier, r2: Tier });

/** The author's and the readers' tiers of an ask (indices 0…3). */
export interface Relabel {
  author: number;
  r1: number;
  r2: number;
}

/** `corpus/relabels.jsonl`, by ask id; throws on a malformed or repeated line. */
export function readRelabels(path: string): Map<string, Relabel> {
  const relabels = new Map<string, Relabel>();
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, index) => {
      if (line.trim().length === 0) return;
      const parsed = RelabelLine.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`${path}:${index + 1}: ${parsed.error.message}`);
      if (relabels.has(parsed.data.id)) throw new Error(`${path}:${index + 1}: ${parsed.data.id} twice`);
      const { author, r1, r2 } = parsed.data;
      relabels.set(parsed.data.id, { author: tierIndex(author), r1: tierIndex(r1), r2: tierIndex(r2) });
    });
  return relabels;
}

/** Share of positions where two tier lists agree. */
export function exactAgreement(left: readonly number[], right: readonly number[]): number {
  if (left.length === 0) return 0;
  return left.filter((tier, index) => tier === right[index]).length / left.length;
}

/**
 * Cohen's κ of two tier lists: their agreement beyond what their own tier shares would give by
 * chance (1: perfect, 0: chance).
 */
export function cohenKappa(left: readonly number[], right: readonly number[]): number {
  const observed = exactAgreement(left, right);
  const share = (tiers: readonly number[], tier: number) =>
    tiers.filter((value) => value === tier).length / tiers.length;
  const chance = TIERS.reduce((sum, _tier, tier) => sum + share(left, tier) * share(right, tier), 0);
  return chance === 1 ? 1 : (observed - chance) / (1 - chance);
}

/** Whether both readers agree on a tier other than the author's. */
export function readersOverruleAuthor(relabel: Relabel): boolean {
  return relabel.r1 === relabel.r2 && relabel.r1 !== relabel.author;
}

/** The tier at least two of the three readers gave; the first reader's where all three differ. */
export function majorityTier(first: number, second: number, third: number): number {
  if (second === third) return second;
  return first;
}

/** One corpus set that was labelled again, with a model's decisions on it. */
export interface RelabelledSet {
  name: string;
  asks: readonly CorpusAsk[];
  /** which model `decided` is, for the table ("trained on A"). */
  modelName: string;
  decided: readonly number[];
}

interface SetFigures {
  original: number[];
  r1: number[];
  r2: number[];
  majority: number[];
  unanimous: number[];
  decided: readonly number[];
}

function figuresOf(set: RelabelledSet, relabels: ReadonlyMap<string, Relabel>): SetFigures {
  const original = set.asks.map((ask) => tierIndex(ask.tier));
  const r1: number[] = [];
  const r2: number[] = [];
  for (const ask of set.asks) {
    const relabel = relabels.get(ask.id);
    if (relabel === undefined) throw new Error(`${ask.id} (${set.name}) was not labelled again`);
    r1.push(relabel.r1);
    r2.push(relabel.r2);
  }
  const majority = original.map((tier, index) => majorityTier(tier, r1[index], r2[index]));
  const unanimous = original.flatMap((tier, index) =>
    tier === r1[index] && tier === r2[index] ? [index] : [],
  );
  return { original, r1, r2, majority, unanimous, decided: set.decided };
}

function pick<T>(values: readonly T[], indices: readonly number[]): T[] {
  return indices.map((index) => values[index]);
}

/** Rows are the first list's tiers, columns the second's. */
export function crossTable(left: readonly number[], right: readonly number[]): ConfusionMatrix {
  const matrix = emptyConfusion();
  left.forEach((tier, index) => {
    matrix[tier][right[index]] += 1;
  });
  return matrix;
}

/**
 * How far readers of the one rubric agree with each other, and the model with each of them: the
 * ceiling an exact-agreement target has to be read against.
 */
export function labelAgreementReport(
  sets: readonly RelabelledSet[],
  relabels: ReadonlyMap<string, Relabel>,
): string {
  const figures = sets.map((set) => figuresOf(set, relabels));
  const cell = (left: readonly number[], right: readonly number[]) =>
    `${percent(exactAgreement(left, right))} / ${cohenKappa(left, right).toFixed(2)}`;
  const header = [
    `| pair | ${sets.map((set) => `${set.name} (${set.asks.length}): exact / κ`).join(' | ')} |`,
    `|---|${sets.map(() => '---:').join('|')}|`,
  ];
  const row = (name: string, value: (figure: SetFigures, set: RelabelledSet) => string) =>
    `| ${name} | ${figures.map((figure, index) => value(figure, sets[index])).join(' | ')} |`;
  const lines = [
    ...header,
    row('the author ↔ reader 1', (f) => cell(f.original, f.r1)),
    row('the author ↔ reader 2', (f) => cell(f.original, f.r2)),
    row('reader 1 ↔ reader 2', (f) => cell(f.r1, f.r2)),
    row('the model ↔ the author', (f, set) => `${cell(f.decided, f.original)} (${set.modelName})`),
    row('the model ↔ reader 1', (f) => cell(f.decided, f.r1)),
    row('the model ↔ reader 2', (f) => cell(f.decided, f.r2)),
    row('the model ↔ the majority of the three', (f) => cell(f.decided, f.majority)),
    row(
      'asks all three readers agree on',
      (f, set) => `${f.unanimous.length} (${percent(f.unanimous.length / set.asks.length)})`,
    ),
    row('the model on those asks', (f) =>
      percent(exactAgreement(pick(f.decided, f.unanimous), pick(f.original, f.unanimous))),
    ),
  ];
  const boundaries = figures.map((figure, index) => {
    const pooledLabel = [...figure.original, ...figure.original];
    const pooledReader = [...figure.r1, ...figure.r2];
    const matrix = crossTable(pooledLabel, pooledReader);
    return [
      '',
      `Where the readers part from the author, ${sets[index].name} (both readers pooled, ${pooledLabel.length} answers; rows: the author, columns: the reader):`,
      '',
      confusionTable(matrix, 'author ↓ / reader →'),
    ].join('\n');
  });
  return [lines.join('\n'), ...boundaries].join('\n');
}

/**
 * Per part or source, over every ask the readers read: how often each reader agrees with the
 * author and with the other reader, and how many tiers the consensus rule changes.
 */
export function readersByPartTable(
  asks: readonly CorpusAsk[],
  relabels: ReadonlyMap<string, Relabel>,
): string {
  const lines = [
    '| part or source | asks | the author ↔ reader 1 | the author ↔ reader 2 | reader 1 ↔ reader 2 | both readers against the author |',
    '|---|---:|---:|---:|---:|---:|',
  ];
  const row = (name: string, members: readonly CorpusAsk[]) => {
    const read = members.flatMap((ask) => {
      const relabel = relabels.get(ask.id);
      return relabel === undefined ? [] : [relabel];
    });
    const author = read.map((relabel) => relabel.author);
    const r1 = read.map((relabel) => relabel.r1);
    const r2 = read.map((relabel) => relabel.r2);
    const against = read.filter(readersOverruleAuthor).length;
    lines.push(
      `| ${name} | ${read.length} | ${percent(exactAgreement(author, r1))} | ${percent(exactAgreement(author, r2))} | ${percent(exactAgreement(r1, r2))} | ${against} (${percent(against / read.length)}) |`,
    );
  };
  for (const source of [...new Set(asks.map((ask) => ask.source))]) {
    row(
      source,
      asks.filter((ask) => ask.source === source),
    );
  }
  row('**all**', asks);
  return lines.join('\n');
}
