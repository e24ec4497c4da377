import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { readCliOptions, readEnvironment } from '@switchyard/config';
import { FEATURE_GROUPS, type FeatureOptions } from '../src/learned/feature-options';
import { writeDocsSection } from './docs-section';
import { formatLikeRepository } from './format-like-repository';
import {
  CORPUS_PATHS,
  formatSplit,
  readTrainingCorpus,
  readSplit,
  repositoryRoot,
  splitCorpus,
  tierIndex,
  type CorpusAsk,
} from './routing-corpus';
import { readOwnerLabels } from './routing-log-source';
import { percent } from './routing-metrics';
import {
  TRAINING_SETTINGS,
  type TrainingSettings,
  crossValidatedLogits,
  decisionsOf,
  trainModelFile,
} from './train-router';

/** How many corpus asks one owner label counts as: a few, so a handful of labels can move the model. */
const DEFAULT_LABEL_WEIGHT = 3;

const USAGE = `usage: npm run train:router -- [--resplit] [--ablation] [--search]
       npm run train:router -- --from-log --out FILE [--label-weight N] [--iterations N]

Splits the corpus (when the split files are missing, or with --resplit), cross-validates the
chosen settings on the train split, trains on the whole train split and writes
${CORPUS_PATHS.model}. The test split is never read.
  --resplit    rewrite ${CORPUS_PATHS.train} and ${CORPUS_PATHS.test} from ${CORPUS_PATHS.raw}
  --ablation   also cross-validate with each feature group removed (slow: one CV per group) and
               write the table into docs/routing.md
  --search     also cross-validate the L2 penalty grid (slow) and write the table into
               docs/routing.md

The owner's loop (docs/routing.md, "The owner's loop"):
  --from-log        train on the train split plus the labelled asks of the routing log, read from
                    Postgres (DATABASE_URL); no cross-validation. Needs --out.
  --out FILE        where the model goes. The shipped ${CORPUS_PATHS.model} is never
                    overwritten by --from-log unless --overwrite-shipped is given too.
  --label-weight N  each labelled ask counts as N corpus asks (default ${DEFAULT_LABEL_WEIGHT})
  --iterations N    at most N L-BFGS iterations (default ${TRAINING_SETTINGS.maxIterations}; fewer is faster, less exact)
The model is used only once a router's complexity_router_config names it (learned_model_path).`;

const ToolEnvironment = z.object({
  DATABASE_URL: z.string().default('postgres://postgres@127.0.0.1:5432/switchyard'),
});

interface TrainOptions {
  resplit?: boolean;
  ablation?: boolean;
  search?: boolean;
  'from-log'?: boolean;
  out?: string;
  'label-weight'?: string;
  iterations?: string;
  'overwrite-shipped'?: boolean;
}

interface CrossValidationResult {
  exactAgreement: number;
  hardToSimple: number;
}

function crossValidate(
  train: readonly CorpusAsk[],
  settings: TrainingSettings,
  qualityBias = 0,
): CrossValidationResult {
  const labels = train.map((ask) => tierIndex(ask.tier));
  const decided = decisionsOf(crossValidatedLogits(train, settings), qualityBias, settings.qualityBiasTilt);
  return summarize(labels, decided);
}

function summarize(labels: readonly number[], decided: readonly number[]): CrossValidationResult {
  let exact = 0;
  let hard = 0;
  let hardToSimple = 0;
  decided.forEach((tier, index) => {
    if (tier === labels[index]) exact += 1;
    if (labels[index] >= 2) {
      hard += 1;
      if (tier === 0) hardToSimple += 1;
    }
  });
  return { exactAgreement: exact / labels.length, hardToSimple: hardToSimple / hard };
}

function row(name: string, result: CrossValidationResult, reference?: CrossValidationResult): string {
  const delta =
    reference === undefined
      ? ''
      : ` ${result.exactAgreement >= reference.exactAgreement ? '+' : '−'}${(Math.abs(result.exactAgreement - reference.exactAgreement) * 100).toFixed(1)} |`;
  return `| ${name} | ${percent(result.exactAgreement)} |${delta} ${percent(result.hardToSimple)} |`;
}

function ablation(
  train: readonly CorpusAsk[],
  settings: TrainingSettings,
  all: CrossValidationResult,
): string {
  const lines = [
    '| features (one change from the chosen set) | CV exact agreement | change (points) | CV COMPLEX/REASONING → SIMPLE |',
    '|---|---:|---:|---:|',
    row('the chosen set', all, all),
  ];
  const chosen = settings.features;
  const variants: [string, FeatureOptions][] = [
    ...FEATURE_GROUPS.map((group): [string, FeatureOptions] =>
      chosen.groups.includes(group)
        ? [
            `without ${group}`,
            { ...chosen, groups: chosen.groups.filter((candidate) => candidate !== group) },
          ]
        : [`with ${group} (not chosen)`, { ...chosen, groups: [...chosen.groups, group] }],
    ),
    [chosen.stem ? 'without stemming' : 'with stemming', { ...chosen, stem: !chosen.stem }],
    [
      chosen.foldDigits ? 'without digit folding' : 'with digit folding',
      { ...chosen, foldDigits: !chosen.foldDigits },
    ],
    ...(['same', 'separate', 'skip'] as const)
      .filter((codeWords) => codeWords !== chosen.codeWords)
      .map((codeWords): [string, FeatureOptions] => [
        `words of fenced code: ${codeWords}`,
        { ...chosen, codeWords },
      ]),
    ...[
      [3, 4],
      [3, 5],
      [4, 4],
    ]
      .filter(([minimum, maximum]) => minimum !== chosen.subwordMin || maximum !== chosen.subwordMax)
      .map(([minimum, maximum]): [string, FeatureOptions] => [
        `character ${minimum}–${maximum}-grams`,
        { ...chosen, subwordMin: minimum, subwordMax: maximum },
      ]),
  ];
  for (const [name, features] of variants) {
    const result = crossValidate(train, { ...settings, features });
    lines.push(row(name, result, all));
    process.stderr.write(`ablation: ${name} ${percent(result.exactAgreement)}\n`);
  }
  return lines.join('\n');
}

function search(train: readonly CorpusAsk[], settings: TrainingSettings): string {
  const lines = ['| L2 | CV exact agreement | CV COMPLEX/REASONING → SIMPLE |', '|---:|---:|---:|'];
  for (const l2 of [1e-5, 3e-5, 1e-4, 3e-4, 1e-3]) {
    const result = crossValidate(train, { ...settings, l2 });
    lines.push(`| ${l2} | ${percent(result.exactAgreement)} | ${percent(result.hardToSimple)} |`);
    process.stderr.write(`search: l2 ${l2} ${percent(result.exactAgreement)}\n`);
  }
  return lines.join('\n');
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

async function main(): Promise<number> {
  const options = readCliOptions<TrainOptions>(
    {
      resplit: { type: 'boolean' },
      ablation: { type: 'boolean' },
      search: { type: 'boolean' },
      'from-log': { type: 'boolean' },
      out: { type: 'string' },
      'label-weight': { type: 'string' },
      iterations: { type: 'string' },
      'overwrite-shipped': { type: 'boolean' },
    },
    USAGE,
  );
  if (typeof options === 'number') return options;
  const root = repositoryRoot();
  if (options['from-log']) return trainFromLog(root, options);
  const trainPath = join(root, CORPUS_PATHS.train);
  const testPath = join(root, CORPUS_PATHS.test);
  if (options.resplit || !existsSync(trainPath) || !existsSync(testPath)) {
    const { train, test } = splitCorpus(readTrainingCorpus(root));
    writeFileSync(trainPath, formatSplit(train));
    writeFileSync(testPath, formatSplit(test));
    process.stdout.write(`split: ${train.length} train and ${test.length} test asks written\n`);
  }
  const trainText = readFileSync(trainPath, 'utf8');
  const train = readSplit(trainPath);
  const settings = TRAINING_SETTINGS;
  const started = Date.now();

  const labels = train.map((ask) => tierIndex(ask.tier));
  const logits = crossValidatedLogits(train, settings);
  const curve = [0, 0.25, 0.5, 0.75, 1].map((qualityBias) => ({
    qualityBias,
    ...summarize(labels, decisionsOf(logits, qualityBias, settings.qualityBiasTilt)),
  }));
  const cv = curve[0];
  process.stdout.write(
    [
      `cross-validation (${settings.folds} folds, seed ${settings.seed}) on ${train.length} train asks:`,
      '',
      '| quality_bias | CV exact agreement | CV COMPLEX/REASONING → SIMPLE |',
      '|---:|---:|---:|',
      ...curve.map(
        (point) =>
          `| ${point.qualityBias} | ${percent(point.exactAgreement)} | ${percent(point.hardToSimple)} |`,
      ),
      '',
    ].join('\n'),
  );
  if (options.search) {
    const table = search(train, settings);
    process.stdout.write(`\nL2 search:\n\n${table}\n`);
    await writeDocsSection(root, 'l2-search', table);
  }
  if (options.ablation) {
    const table = ablation(train, settings, cv);
    process.stdout.write(`\nablation:\n\n${table}\n`);
    await writeDocsSection(root, 'ablation', table);
  }

  const { file, iterations, loss, usedBuckets } = trainModelFile(train, settings, {
    trainAsks: train.length,
    trainSha256: sha256(trainText),
    crossValidation: {
      folds: settings.folds,
      seed: settings.seed,
      exactAgreement: Number(cv.exactAgreement.toFixed(4)),
      hardToSimple: Number(cv.hardToSimple.toFixed(4)),
    },
  });
  const modelPath = join(root, CORPUS_PATHS.model);
  mkdirSync(dirname(modelPath), { recursive: true });
  const text = await formatLikeRepository(modelPath, JSON.stringify(file));
  writeFileSync(modelPath, text);
  process.stdout.write(
    `\nmodel: ${CORPUS_PATHS.model}, ${(Buffer.byteLength(text) / 1024).toFixed(0)} KB, ${file.weights.count} of ${usedBuckets} buckets, L-BFGS ${iterations} iterations, loss ${loss.toFixed(5)}, sha256 ${sha256(text).slice(0, 16)}…, ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
  return 0;
}

function positiveInteger(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new UsageError(`--${name} must be a positive integer`);
  return parsed;
}

class UsageError extends Error {}

/**
 * `--from-log`: the train split plus the owner's labels (each counted `--label-weight` times),
 * trained without cross-validation, written to `--out` only. Deterministic for the same labels.
 */
async function trainFromLog(root: string, options: TrainOptions): Promise<number> {
  let labelWeight: number;
  let iterations: number;
  try {
    if (options.out === undefined) throw new UsageError('--from-log needs --out FILE');
    labelWeight = positiveInteger(options['label-weight'], 'label-weight', DEFAULT_LABEL_WEIGHT);
    iterations = positiveInteger(options.iterations, 'iterations', TRAINING_SETTINGS.maxIterations);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n${USAGE}\n`);
    return 2;
  }
  const outPath = resolve(options.out);
  const shippedPath = join(root, CORPUS_PATHS.model);
  if (outPath === shippedPath && !options['overwrite-shipped']) {
    process.stderr.write(
      `--out ${options.out} is the shipped model; add --overwrite-shipped to replace it, or write elsewhere\n`,
    );
    return 2;
  }
  const trainPath = join(root, CORPUS_PATHS.train);
  const trainText = readFileSync(trainPath, 'utf8');
  const base = readSplit(trainPath);
  const labels = await readOwnerLabels(readEnvironment(ToolEnvironment).DATABASE_URL);
  const asks = [...base, ...Array.from({ length: labelWeight }, () => labels).flat()];
  const settings = { ...TRAINING_SETTINGS, maxIterations: iterations };
  const started = Date.now();
  process.stdout.write(
    `training on ${base.length} corpus asks and ${labels.length} labelled asks of the routing log (each × ${labelWeight}), at most ${iterations} iterations, no cross-validation\n`,
  );
  const {
    file,
    iterations: used,
    loss,
  } = trainModelFile(asks, settings, {
    trainAsks: base.length,
    trainSha256: sha256(trainText),
    ownerLabels: {
      asks: labels.length,
      weight: labelWeight,
      sha256: sha256(labels.map((ask) => `${ask.id}\t${ask.tier}\t${ask.text}`).join('\n')),
    },
  });
  mkdirSync(dirname(outPath), { recursive: true });
  const text = JSON.stringify(file);
  writeFileSync(outPath, text);
  process.stdout.write(
    `model: ${outPath}, ${(Buffer.byteLength(text) / 1024).toFixed(0)} KB, L-BFGS ${used} iterations, loss ${loss.toFixed(5)}, sha256 ${sha256(text).slice(0, 16)}…, ${((Date.now() - started) / 1000).toFixed(1)} s
It is not used until a router's complexity_router_config names it: learned_model_path: ${outPath}
Compare first: npm run route:replay -- --weights ${outPath}\n`,
  );
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${String((error as Error).stack ?? error)}\n`);
    process.exitCode = 1;
  },
);
