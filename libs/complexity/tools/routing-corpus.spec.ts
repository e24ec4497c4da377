import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TIERS } from '@switchyard/contracts';
import {
  CORPUS_PATHS,
  type CorpusAsk,
  formatSplit,
  isFirstCorpus,
  readRawCorpus,
  readTrainingCorpus,
  readSplit,
  repositoryRoot,
  splitCorpus,
  textHash,
} from './routing-corpus';

const root = repositoryRoot(__dirname);
const raw = readTrainingCorpus(root);
const first = readRawCorpus(root);
const second = readRawCorpus(root, CORPUS_PATHS.second);

/** Lowercased letters and digits, single-spaced: two asks that differ only in punctuation are one. */
function normalized(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

describe(splitCorpus.name, () => {
  it('reads at least 1,500 labelled asks of every tier', () => {
    expect(raw.length).toBeGreaterThanOrEqual(1_500);
    for (const tier of TIERS) expect(raw.filter((ask) => ask.tier === tier).length).toBeGreaterThan(300);
    expect(new Set(raw.map((ask) => ask.id)).size).toBe(raw.length);
  });

  it('reads a second corpus of at least 800 asks, every tier, several sources, none repeating the first', () => {
    expect(second.length).toBeGreaterThanOrEqual(800);
    for (const tier of TIERS) expect(second.filter((ask) => ask.tier === tier).length).toBeGreaterThan(150);
    expect(new Set(second.map((ask) => ask.source)).size).toBeGreaterThanOrEqual(6);
    expect(new Set(second.map((ask) => ask.lang)).size).toBeGreaterThanOrEqual(10);
    const known = new Set(first.map((ask) => normalized(ask.text)));
    expect(second.filter((ask) => known.has(normalized(ask.text)))).toEqual([]);
    expect(new Set(second.map((ask) => normalized(ask.text))).size).toBe(second.length);
    expect(first.length + second.length).toBe(raw.length);
    // corpus A is parts a, b and c; corpus B's sources are its own.
    expect(first.filter((ask) => !isFirstCorpus(ask))).toEqual([]);
    expect(second.filter((ask) => isFirstCorpus(ask))).toEqual([]);
  });

  it('reads no ask twice within corpus A', () => {
    expect(new Set(first.map((ask) => normalized(ask.text))).size).toBe(first.length);
  });

  it('holds out a fifth of every tier and part, by the hash of the text alone', () => {
    const { train, test } = splitCorpus(raw);
    expect(train.length + test.length).toBe(raw.length);
    const held = new Set(test.map((ask) => ask.id));
    expect(train.some((ask) => held.has(ask.id))).toBe(false);
    for (const tier of TIERS) {
      for (const source of new Set(raw.map((ask) => ask.source))) {
        const stratum = raw.filter((ask) => ask.tier === tier && ask.source === source);
        const inTest = test.filter((ask) => ask.tier === tier && ask.source === source);
        expect(inTest.length).toBe(Math.round(stratum.length * 0.2));
      }
    }
    // the file order does not matter: reversed input, same split.
    const reversed = splitCorpus([...raw].reverse());
    expect(new Set(reversed.test.map((ask) => ask.id))).toEqual(held);
  });

  it('never puts the same text in both splits', () => {
    const { train, test } = splitCorpus(raw);
    const testTexts = new Set(test.map((ask) => ask.text));
    expect(train.filter((ask) => testTexts.has(ask.text))).toEqual([]);
  });

  it('matches the committed split files (regenerate with npm run train:router -- --resplit)', () => {
    const { train, test } = splitCorpus(raw);
    expect(readFileSync(join(root, CORPUS_PATHS.train), 'utf8')).toBe(formatSplit(train));
    expect(readFileSync(join(root, CORPUS_PATHS.test), 'utf8')).toBe(formatSplit(test));
    expect(readSplit(join(root, CORPUS_PATHS.test))).toEqual(test);
  });

  it('hashes a text to a stable number in [0, 1)', () => {
    expect(textHash('thanks!')).toBe(textHash('thanks!'));
    expect(textHash('thanks!')).not.toBe(textHash('thanks'));
    const ask: CorpusAsk = { id: 'x:1', text: 'hi', tier: 'SIMPLE', lang: 'en', source: 'a' };
    expect(textHash(ask.text)).toBeGreaterThanOrEqual(0);
    expect(textHash(ask.text)).toBeLessThan(1);
  });
});
