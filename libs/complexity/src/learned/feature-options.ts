import { z } from 'zod';

/**
 * Feature groups of the learned classifier. Each can be switched off (for the ablation) and each
 * hashes from its own seed:
 * - `word`: stemmed word unigrams (case, plural and inflection folded);
 * - `bigram`: pairs of adjacent stemmed words;
 * - `subword`: character n-grams inside each word, word boundaries marked (`<de`, `dea`, `ck>`),
 *   for inflected and compound words of any alphabetic script (a repeated word adds them once);
 * - `script`: character 1–3-grams of runs of a script written without spaces (Han, kana,
 *   Hangul, Thai…);
 * - `code`: fenced blocks (count, lines, language), inline code spans, unfenced code-looking
 *   lines, diffs;
 * - `error`: stack-trace lines (JS/Java `at …`, Python `File "…", line`, Go goroutines and
 *   `.go:NN`, rustc `-->` and `error[E…]`, `Caused by:`), error and log lines;
 * - `path`: file paths and module names (count of distinct ones, extensions);
 * - `question`: question forms ("why", "sometimes", "intermittent", "is this safe", "should we",
 *   "vs"… in 14 languages) and the number of question marks;
 * - `length`: the ask's length in words (prose and code apart), lines;
 * - `lead`: the first word and the first two words of the ask (the imperative: "rename", "design");
 * - `cue`: the rubric's task cues in the corpora's languages, each mapped to a concept
 *   (`cue:rename` for "rename", "umbenennen", "重命名"), read in the prose only (see `cue-forms.ts`).
 */
export const FEATURE_GROUPS = [
  'word',
  'bigram',
  'subword',
  'script',
  'code',
  'error',
  'path',
  'question',
  'length',
  'lead',
  'cue',
] as const;
export const FeatureGroup = z.enum(FEATURE_GROUPS);
export type FeatureGroup = z.infer<typeof FeatureGroup>;

/** How features are made; stored in the model file, so inference always matches training. */
export const FeatureOptions = z.strictObject({
  /** buckets = 2^hashBits. */
  hashBits: z.number().int().min(10).max(24),
  groups: z.array(FeatureGroup),
  /** fold plurals and inflections of English words (a light stemmer). */
  stem: z.boolean(),
  /** every digit hashes as `0` (`8tb` and `4tb` are one feature). */
  foldDigits: z.boolean(),
  subwordMin: z.number().int().min(1).max(8),
  subwordMax: z.number().int().min(1).max(8),
  scriptGramMax: z.number().int().min(1).max(4),
  /** words of fenced code: the same features as prose, their own namespace, or none. */
  codeWords: z.enum(['same', 'separate', 'skip']),
  /**
   * words of unfenced pasted lines (tool output: a `$ command` line, stack frames, error, log and
   * test-runner lines, diffs, JSON, code ending in `;`/`{`/`}`): read as prose (`same`, the
   * default) or as fenced code (`skip`: only their code, error and length features count).
   */
  pasteWords: z.enum(['same', 'skip']).optional(),
  /** the value of each `code` and `error` feature (default 1): pasted context, weaker under the L2 penalty. */
  contextValue: z.number().positive().max(1).optional(),
});
export type FeatureOptions = z.infer<typeof FeatureOptions>;

/** Every group on, character 3–4-grams: the extractor's defaults (training picks its own, see `TRAINING_SETTINGS`). */
export const DEFAULT_FEATURE_OPTIONS: Readonly<FeatureOptions> = {
  hashBits: 18,
  groups: [...FEATURE_GROUPS],
  stem: true,
  foldDigits: true,
  subwordMin: 3,
  subwordMax: 4,
  scriptGramMax: 3,
  codeWords: 'same',
};
