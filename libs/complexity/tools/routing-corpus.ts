import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { TIERS, Tier } from '@switchyard/contracts';

/** One labelled ask of the router corpus. */
export const CorpusAsk = z.strictObject({
  /** where the ask comes from: `<raw file>:<line>` (for example `a-simple:12`). */
  id: z.string().min(1),
  text: z.string().min(1),
  tier: Tier,
  lang: z.string().min(2),
  source: z.string().min(1),
});
export type CorpusAsk = z.infer<typeof CorpusAsk>;

const RawLine = z.strictObject({
  text: z.string().min(1),
  tier: Tier,
  lang: z.string().min(2),
  source: z.string().min(1),
});

/** Paths of the corpus, relative to the repository root. */
export const CORPUS_PATHS = {
  raw: 'libs/complexity/corpus/raw',
  /** the second corpus (other voices and sources), for cross-corpus evaluation. */
  second: 'libs/complexity/corpus/second',
  /** labelled multi-turn sessions (OpenCode, Claude Code, Codex request shapes). */
  sessions: 'libs/complexity/corpus/sessions.jsonl',
  /** corpus B and corpus A's held-out asks, labelled again blind by two more readers of the rubric. */
  relabels: 'libs/complexity/corpus/relabels.jsonl',
  train: 'libs/complexity/corpus/train.jsonl',
  test: 'libs/complexity/corpus/test.jsonl',
  model: 'libs/complexity/model/learned-router.json',
} as const;

/** Share of each stratum that goes to the held-out test split. */
export const TEST_FRACTION = 0.2;

/** The repository root: the nearest folder at or above `from` that holds the raw corpus. */
export function repositoryRoot(from: string = process.cwd()): string {
  let directory = from;
  while (!existsSync(join(directory, CORPUS_PATHS.raw))) {
    const parent = dirname(directory);
    if (parent === directory) throw new Error(`no ${CORPUS_PATHS.raw} at or above ${from}`);
    directory = parent;
  }
  return directory;
}

function parseLines(
  text: string,
  source: string,
  parse: (value: unknown, line: number) => CorpusAsk,
): CorpusAsk[] {
  const asks: CorpusAsk[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim().length === 0) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new Error(`${source}:${index + 1}: not JSON (${(error as Error).message})`, { cause: error });
    }
    asks.push(parse(value, index + 1));
  });
  return asks;
}

/**
 * Every raw ask of a corpus folder (`corpus/raw/*.jsonl` by default), in file-name then line
 * order, each with its id.
 */
export function readRawCorpus(root: string, folderPath: string = CORPUS_PATHS.raw): CorpusAsk[] {
  const folder = join(root, folderPath);
  const files = readdirSync(folder)
    .filter((name) => name.endsWith('.jsonl'))
    .sort();
  return files.flatMap((file) => {
    const name = file.replace(/\.jsonl$/, '');
    return parseLines(readFileSync(join(folder, file), 'utf8'), file, (value, line) => {
      const parsed = RawLine.safeParse(value);
      if (!parsed.success) throw new Error(`${file}:${line}: ${parsed.error.message}`);
      return { id: `${name}:${line}`, ...parsed.data };
    });
  });
}

/** The parts of corpus A (`corpus/raw`): `a`, `b` and `c`; corpus B's asks name their own sources. */
export const FIRST_CORPUS_PARTS: readonly string[] = ['a', 'b', 'c'];

export function isFirstCorpus(ask: CorpusAsk): boolean {
  return FIRST_CORPUS_PARTS.includes(ask.source);
}

/** The asks the committed model is trained and held-out-tested on: both corpora (A then B). */
export function readTrainingCorpus(root: string): CorpusAsk[] {
  return [...readRawCorpus(root), ...readRawCorpus(root, CORPUS_PATHS.second)];
}

/** A split file (`train.jsonl` or `test.jsonl`). */
export function readSplit(path: string): CorpusAsk[] {
  return parseLines(readFileSync(path, 'utf8'), path, (value, line) => {
    const parsed = CorpusAsk.safeParse(value);
    if (!parsed.success) throw new Error(`${path}:${line}: ${parsed.error.message}`);
    return parsed.data;
  });
}

export function formatSplit(asks: readonly CorpusAsk[]): string {
  return asks
    .map((ask) =>
      JSON.stringify({ id: ask.id, text: ask.text, tier: ask.tier, lang: ask.lang, source: ask.source }),
    )
    .join('\n')
    .concat('\n');
}

/** A stable number in [0, 1) for a text: the first 48 bits of its SHA-256. */
export function textHash(text: string): number {
  const digest = createHash('sha256').update(text, 'utf8').digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/**
 * The deterministic train/test split: within each stratum (tier × source part), asks are ordered
 * by the SHA-256 of their text and the first `TEST_FRACTION` (rounded) are held out. The split
 * depends on the texts alone, never on file order or on any model.
 */
export function splitCorpus(asks: readonly CorpusAsk[]): { train: CorpusAsk[]; test: CorpusAsk[] } {
  const strata = new Map<string, CorpusAsk[]>();
  for (const ask of asks) {
    const key = `${ask.tier}/${ask.source}`;
    const stratum = strata.get(key) ?? [];
    stratum.push(ask);
    strata.set(key, stratum);
  }
  const held = new Set<string>();
  for (const stratum of strata.values()) {
    const ordered = stratum
      .map((ask) => ({ ask, hash: textHash(ask.text) }))
      .sort((left, right) => left.hash - right.hash || (left.ask.id < right.ask.id ? -1 : 1));
    const count = Math.round(stratum.length * TEST_FRACTION);
    for (const { ask } of ordered.slice(0, count)) held.add(ask.id);
  }
  return {
    train: asks.filter((ask) => !held.has(ask.id)),
    test: asks.filter((ask) => held.has(ask.id)),
  };
}

/** Index of a tier in SIMPLE < MEDIUM < COMPLEX < REASONING. */
export function tierIndex(tier: Tier): number {
  return TIERS.indexOf(tier);
}
