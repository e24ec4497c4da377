import { AhoCorasick } from '../text/aho-corasick';
import { isWordCodePoint } from '../text/unicode-text';
import { FNV_OFFSET, FNV_PRIME, combine, hashRange, hashStep, hashString, mix } from './feature-hash';
import {
  DEFAULT_FEATURE_OPTIONS,
  FEATURE_GROUPS,
  type FeatureGroup,
  FeatureOptions,
} from './feature-options';
import { FeatureVector, WORD_END, WORD_START, WORD_START_AND_END, registerFixedName } from './feature-vector';
import { stemRule } from './light-stemmer';
import { NEEDLE, NeedleCursor } from './needle-cursor';
import { CUE_FORMS } from './cue-forms';
import { QUESTION_FORMS } from './question-forms';
import { SeenSet } from './seen-set';

/** The groups whose features are n-grams of the text; each is scaled by 1/√(its feature count). */
const NGRAM_GROUPS: readonly FeatureGroup[] = ['word', 'bigram', 'subword', 'script'];

/** The longest word that still gets character n-grams (longer ones are ids, hashes, base64). */
const SUBWORD_MAX_WORD = 24;
/**
 * Only the first 16 K characters of an ask are read (the longest corpus ask has 3.4 K; every
 * length bucket saturates well before), so a 1 MB paste costs what a 16 KB one does.
 */
export const MAX_SCANNED_CHARACTERS = 1 << 14;
/** Features of one ask are capped too. */
const MAX_FEATURES = 1 << 15;

const GROUP_SEED: Readonly<Record<FeatureGroup, number>> = Object.fromEntries(
  FEATURE_GROUPS.map((group) => [group, hashString(`group:${group}`)]),
) as Record<FeatureGroup, number>;
const IS_NGRAM_GROUP = Uint8Array.from(FEATURE_GROUPS, (group) => (NGRAM_GROUPS.includes(group) ? 1 : 0));
const SUBWORD_SEED = GROUP_SEED.subword;
const CODE_WORD_SEED = hashString('group:code-word');
const CODE_BIGRAM_SEED = hashString('group:code-bigram');
const GROUP_ID: Readonly<Record<FeatureGroup, number>> = Object.fromEntries(
  FEATURE_GROUPS.map((group, index) => [group, index]),
) as Record<FeatureGroup, number>;

// Character classes, memoized per BMP code unit: 1 not part of a word, 2 a letter or digit of a
// script written with spaces, 3 a character of a script written without spaces.
const OTHER = 1;
const WORD = 2;
const SCRIPT = 3;
const NO_SPACE_SCRIPT =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Bopomofo}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{Script=Tibetan}]/u;
const CHARACTER_CLASS = new Uint8Array(0x10000);
function characterClass(code: number): number {
  let known = CHARACTER_CLASS[code];
  if (known === 0) {
    if (code >= 0xd800 && code <= 0xdfff) known = OTHER;
    else if (NO_SPACE_SCRIPT.test(String.fromCharCode(code))) known = SCRIPT;
    else known = code !== 0x5f && isWordCodePoint(code) ? WORD : OTHER;
    CHARACTER_CLASS[code] = known;
  }
  return known;
}

/** Hashes of the fixed features, by name id (see `registerFixedName`). */
const FIXED_HASHES: number[] = [];
function fixed(group: FeatureGroup, name: string): number {
  const id = registerFixedName(name);
  FIXED_HASHES[id] = mix(hashString(name, GROUP_SEED[group]));
  return id;
}
function bucketed(group: FeatureGroup, prefix: string, limits: readonly number[]): Int32Array {
  const ids: number[] = [];
  let previous = 0;
  for (const limit of limits) {
    ids.push(fixed(group, limit === previous ? `${prefix}=${limit}` : `${prefix}=${previous}-${limit}`));
    previous = limit + 1;
  }
  ids.push(fixed(group, `${prefix}>${limits[limits.length - 1]}`));
  return Int32Array.from(ids);
}
function bucketOf(value: number, limits: readonly number[]): number {
  for (let index = 0; index < limits.length; index += 1) if (value <= limits[index]) return index;
  return limits.length;
}

const WORD_LIMITS = [0, 1, 2, 4, 8, 16, 32, 64, 128, 256];
const LINE_LIMITS = [0, 1, 2, 5, 10, 20, 50];
const SMALL_LIMITS = [0, 1, 2, 4];
const FEATURE = {
  fencedBlocks: bucketed('code', 'code:fenced-blocks', [0, 1, 2]),
  fencedLines: bucketed('code', 'code:fenced-lines', LINE_LIMITS),
  inlineSpans: bucketed('code', 'code:inline-spans', SMALL_LIMITS),
  codeLikeLines: bucketed('code', 'code:unfenced-code-lines', LINE_LIMITS),
  diffLines: bucketed('code', 'code:diff-lines', [0, 2, 10]),
  traceLines: bucketed('error', 'error:trace-lines', [0, 1, 3, 8]),
  errorLines: bucketed('error', 'error:error-lines', [0, 1, 3]),
  logLines: bucketed('error', 'error:log-lines', [0, 1, 3]),
  traceKind: {
    javascript: fixed('error', 'error:trace:at-frame'),
    python: fixed('error', 'error:trace:python'),
    go: fixed('error', 'error:trace:go'),
    rust: fixed('error', 'error:trace:rustc'),
    causedBy: fixed('error', 'error:trace:caused-by'),
    native: fixed('error', 'error:trace:native'),
  },
  files: bucketed('path', 'path:files', [0, 1, 2, 3, 5]),
  proseFiles: bucketed('path', 'path:prose-files', [0, 1, 2, 3, 5]),
  directories: bucketed('path', 'path:directories', [0, 1, 3]),
  questionMarks: bucketed('question', 'question:marks', [0, 1, 2]),
  endsWithQuestion: fixed('question', 'question:ends-with-mark'),
  proseWords: bucketed('length', 'length:prose-words', WORD_LIMITS),
  codeWords: bucketed('length', 'length:code-words', [0, 16, 64, 256]),
  lines: bucketed('length', 'length:lines', LINE_LIMITS),
  sentences: bucketed('length', 'length:sentences', [1, 2, 4, 8]),
} as const;
const QUESTION_CONCEPT_IDS: ReadonlyMap<string, number> = new Map(
  [...new Set(QUESTION_FORMS.map((form) => form.concept))].map((concept) => [
    concept,
    fixed('question', `question:${concept}`),
  ]),
);
const CUE_CONCEPT_IDS: ReadonlyMap<string, number> = new Map(
  [...new Set(CUE_FORMS.map((form) => form.concept))].map((concept) => [
    concept,
    fixed('cue', `cue:${concept}`),
  ]),
);

const FILE_EXTENSIONS = new Set(
  (
    'ts tsx js jsx mjs cjs py pyi go rs java kt kts swift c h cc cpp hpp cs rb php scala sql yaml yml json toml ' +
    'ini cfg conf md mdx css scss sass less html htm vue svelte sh bash zsh tf tfvars hcl proto graphql gql ' +
    'prisma xml gradle lock txt csv env dockerfile make mk lua ex exs erl hs ml clj dart r ipynb'
  ).split(' '),
);

interface QuestionEntry {
  concept: number;
  bounded: boolean;
}

/** Counts gathered while reading the lines of an ask. */
interface LineCounts {
  fencedBlocks: number;
  fencedLines: number;
  codeLikeLines: number;
  diffLines: number;
  traceLines: number;
  errorLines: number;
  logLines: number;
  lines: number;
}

/**
 * Turns an ask into hashed binary features, compiled once per set of options. Not re-entrant
 * (scratch state is reused), which a synchronous caller never notices.
 */
export class FeatureExtractor {
  readonly options: Readonly<FeatureOptions>;
  readonly buckets: number;
  private readonly mask: number;
  private readonly enabled: Uint8Array;
  /** the buckets already set for this ask. */
  private readonly seen = new SeenSet();
  /** the words whose character n-grams are already in (a repeated word adds none). */
  private readonly seenWords = new SeenSet();
  private readonly questions: AhoCorasick;
  private readonly questionEntries: readonly QuestionEntry[];
  private readonly cues: AhoCorasick;
  private readonly cueConcepts: Int32Array;
  private readonly cueBounds: Uint8Array;
  /** per character of the current ask: 1 inside a fenced code block. */
  private inCode = new Uint8Array(1024);
  private vector: FeatureVector = new FeatureVector();
  private readonly counts: LineCounts = {
    fencedBlocks: 0,
    fencedLines: 0,
    codeLikeLines: 0,
    diffLines: 0,
    traceLines: 0,
    errorLines: 0,
    logLines: 0,
    lines: 0,
  };
  private readonly traceKinds = new Uint8Array(6);
  private readonly needles = new NeedleCursor();
  private readonly pathHashes = new Int32Array(64);
  private readonly groupCounts = new Int32Array(FEATURE_GROUPS.length);
  private readonly groupScales = new Float32Array(FEATURE_GROUPS.length);
  private pathCount = 0;
  private proseFileCount = 0;
  private directoryCount = 0;
  private matchText = '';
  private readonly onQuestion = (id: number, start: number, end: number): void => {
    const entry = this.questionEntries[id];
    const text = this.matchText;
    if (entry.bounded) {
      if (start > 0 && characterClass(text.charCodeAt(start - 1)) === WORD) return;
      if (end < text.length && characterClass(text.charCodeAt(end)) === WORD) return;
    }
    this.addFixed('question', entry.concept, start, end);
  };
  private readonly onCue = (id: number, start: number, end: number): void => {
    const text = this.matchText;
    // the user's own words only: never fenced code or pasted tool output.
    if (this.inCode[start] === 1) return;
    const bounds = this.cueBounds[id];
    if ((bounds & 1) === 1 && start > 0 && characterClass(text.charCodeAt(start - 1)) === WORD) return;
    if ((bounds & 2) === 2 && end < text.length && characterClass(text.charCodeAt(end)) === WORD) return;
    this.addFixed('cue', this.cueConcepts[id], start, end);
  };

  constructor(options: Readonly<FeatureOptions> = DEFAULT_FEATURE_OPTIONS) {
    this.options = FeatureOptions.parse(options);
    this.buckets = 2 ** this.options.hashBits;
    this.mask = this.buckets - 1;
    this.enabled = new Uint8Array(FEATURE_GROUPS.length);
    for (const group of this.options.groups) this.enabled[GROUP_ID[group]] = 1;
    this.questions = new AhoCorasick(QUESTION_FORMS.map((form) => form.text));
    this.questionEntries = QUESTION_FORMS.map((form) => ({
      concept: QUESTION_CONCEPT_IDS.get(form.concept) ?? -1,
      bounded: form.bounded,
    }));
    this.cues = new AhoCorasick(CUE_FORMS.map((form) => form.text));
    this.cueConcepts = Int32Array.from(CUE_FORMS, (form) => CUE_CONCEPT_IDS.get(form.concept) ?? -1);
    this.cueBounds = Uint8Array.from(
      CUE_FORMS,
      (form) => (form.startBounded ? 1 : 0) | (form.endBounded ? 2 : 0),
    );
  }

  /** The features of `ask`, in `into` (reused; a fresh vector when omitted). */
  extract(ask: string, into: FeatureVector = new FeatureVector()): FeatureVector {
    const text = (
      ask.length > MAX_SCANNED_CHARACTERS ? ask.slice(0, MAX_SCANNED_CHARACTERS) : ask
    ).toLowerCase();
    this.vector = into;
    into.reset(text);
    this.seen.clear();
    this.seenWords.clear();
    if (this.inCode.length < text.length) this.inCode = new Uint8Array(text.length * 2);
    this.readLines(text);
    this.readWords(text);
    if (this.on('question')) {
      this.matchText = text;
      this.questions.forEachMatch(text, this.onQuestion);
      this.matchText = '';
    }
    if (this.on('cue')) {
      this.matchText = text;
      this.cues.forEachMatch(text, this.onCue);
      this.matchText = '';
    }
    this.scale();
    return into;
  }

  private on(group: FeatureGroup): boolean {
    return this.enabled[GROUP_ID[group]] === 1;
  }

  /** Adds bucket `hash` of `group` once; `start, end` locate it in the text; `name` is a fixed name id or −1. */
  private add(group: number, hash: number, start: number, end: number, name = -1): void {
    if (this.vector.length >= MAX_FEATURES) return;
    const index = hash & this.mask;
    if (!this.seen.add(index)) return;
    this.vector.push(index, group, name, start, end);
  }

  private addFixed(group: FeatureGroup, id: number, start = -1, end = -1): void {
    this.add(GROUP_ID[group], FIXED_HASHES[id], start, end, id);
  }

  private addBucket(group: FeatureGroup, ids: Int32Array, value: number, limits: readonly number[]): void {
    const id = ids[bucketOf(value, limits)];
    this.addFixed(group, id);
  }

  /** Scales each n-gram group to unit length (1/√count); the other features stay 1. */
  private scale(): void {
    const vector = this.vector;
    const counts = this.groupCounts;
    counts.fill(0);
    for (let slot = 0; slot < vector.length; slot += 1) counts[vector.groups[slot]] += 1;
    const scales = this.groupScales;
    for (let group = 0; group < counts.length; group += 1) {
      scales[group] = IS_NGRAM_GROUP[group] === 1 && counts[group] > 0 ? 1 / Math.sqrt(counts[group]) : 1;
    }
    if (this.options.contextValue !== undefined) {
      scales[GROUP_ID.code] = this.options.contextValue;
      scales[GROUP_ID.error] = this.options.contextValue;
    }
    for (let slot = 0; slot < vector.length; slot += 1) vector.values[slot] = scales[vector.groups[slot]];
  }

  /**
   * Reads the ask line by line: fenced code blocks (marking their characters), code-looking
   * lines, diffs, stack traces, error and log lines, paths; then adds the code, error and path
   * features.
   */
  private readLines(text: string): void {
    const counts = this.counts;
    counts.fencedBlocks = 0;
    counts.fencedLines = 0;
    counts.codeLikeLines = 0;
    counts.diffLines = 0;
    counts.traceLines = 0;
    counts.errorLines = 0;
    counts.logLines = 0;
    counts.lines = 0;
    this.traceKinds.fill(0);
    this.pathCount = 0;
    this.proseFileCount = 0;
    this.directoryCount = 0;
    const inCode = this.inCode;
    const wantCode = this.on('code');
    const skipPasted = this.options.pasteWords === 'skip';
    this.needles.reset(text);
    let inFence = false;
    let lineStart = 0;
    while (lineStart <= text.length) {
      let lineEnd = text.indexOf('\n', lineStart);
      if (lineEnd === -1) lineEnd = text.length;
      counts.lines += 1;
      let first = lineStart;
      while (first < lineEnd && (text.charCodeAt(first) === 0x20 || text.charCodeAt(first) === 0x09))
        first += 1;
      const fence = text.startsWith('```', first) || text.startsWith('~~~', first);
      if (fence) {
        if (!inFence) {
          counts.fencedBlocks += 1;
          if (wantCode && lineEnd - first > 3) this.addLanguage(text, first + 3, lineEnd);
        }
        inFence = !inFence;
        inCode.fill(1, lineStart, lineEnd + 1);
      } else {
        inCode.fill(inFence ? 1 : 0, lineStart, lineEnd + 1);
        if (inFence) counts.fencedLines += 1;
        if (first < lineEnd) {
          this.readLine(text, lineStart, first, lineEnd, inFence);
          if (!inFence && skipPasted && isPastedLine(text.slice(first, lineEnd))) {
            inCode.fill(1, lineStart, lineEnd + 1);
          }
        }
      }
      lineStart = lineEnd + 1;
    }
    if (wantCode) {
      this.addBucket('code', FEATURE.fencedBlocks, counts.fencedBlocks, [0, 1, 2]);
      this.addBucket('code', FEATURE.fencedLines, counts.fencedLines, LINE_LIMITS);
      this.addBucket('code', FEATURE.codeLikeLines, counts.codeLikeLines, LINE_LIMITS);
      this.addBucket('code', FEATURE.diffLines, counts.diffLines, [0, 2, 10]);
      this.addBucket('code', FEATURE.inlineSpans, inlineCodeSpans(text), SMALL_LIMITS);
    }
    if (this.on('error')) {
      this.addBucket('error', FEATURE.traceLines, counts.traceLines, [0, 1, 3, 8]);
      this.addBucket('error', FEATURE.errorLines, counts.errorLines, [0, 1, 3]);
      this.addBucket('error', FEATURE.logLines, counts.logLines, [0, 1, 3]);
      const kinds = FEATURE.traceKind;
      const ids = [kinds.javascript, kinds.python, kinds.go, kinds.rust, kinds.causedBy, kinds.native];
      for (let kind = 0; kind < ids.length; kind += 1)
        if (this.traceKinds[kind] === 1) this.addFixed('error', ids[kind]);
    }
    if (this.on('path')) {
      this.addBucket('path', FEATURE.files, this.pathCount, [0, 1, 2, 3, 5]);
      this.addBucket('path', FEATURE.proseFiles, this.proseFileCount, [0, 1, 2, 3, 5]);
      this.addBucket('path', FEATURE.directories, this.directoryCount, [0, 1, 3]);
    }
    if (this.on('length')) this.addBucket('length', FEATURE.lines, counts.lines, LINE_LIMITS);
  }

  private addLanguage(text: string, start: number, end: number): void {
    let last = start;
    while (last < end && characterClass(text.charCodeAt(last)) === WORD) last += 1;
    if (last > start)
      this.add(GROUP_ID.code, mix(hashRange(text, start, last, GROUP_SEED.code)), start, last);
  }

  /** One non-blank line outside a fence marker; `first` is its first non-blank character. */
  private readLine(text: string, lineStart: number, first: number, lineEnd: number, inFence: boolean): void {
    const counts = this.counts;
    const needles = this.needles;
    const head = text.charCodeAt(first);
    const last = lastNonBlank(text, first, lineEnd);
    const tail = text.charCodeAt(last);
    if (!inFence) {
      const indented = first - lineStart >= 4 || text.charCodeAt(lineStart) === 0x09;
      if (tail === 0x3b || tail === 0x7b || tail === 0x7d || (indented && lineEnd - first > 2)) {
        counts.codeLikeLines += 1;
      }
    }
    if (
      text.startsWith('@@ ', first) ||
      text.startsWith('+++ ', first) ||
      text.startsWith('diff --git', first)
    ) {
      counts.diffLines += 1;
    } else if ((head === 0x2b || head === 0x2d) && inFence) {
      counts.diffLines += 1;
    }
    const kinds = this.traceKinds;
    let trace = false;
    if (
      text.startsWith('at ', first) &&
      (needles.within(NEEDLE.paren, first, lineEnd) || needles.within(NEEDLE.colon, first, lineEnd))
    ) {
      kinds[0] = 1;
      trace = true;
    } else if (text.startsWith('file "', first) && needles.within(NEEDLE.line, first, lineEnd)) {
      kinds[1] = 1;
      trace = true;
    } else if (text.startsWith('traceback (most recent call last)', first)) {
      kinds[1] = 1;
      trace = true;
    } else if (text.startsWith('goroutine ', first) || needles.within(NEEDLE.goFile, first, lineEnd)) {
      kinds[2] = 1;
      trace = true;
    } else if (text.startsWith('--> ', first) || text.startsWith('error[e', first)) {
      kinds[3] = 1;
      trace = true;
    } else if (text.startsWith('caused by:', first)) {
      kinds[4] = 1;
      trace = true;
    } else if (head === 0x23 && first + 1 < lineEnd && isDigit(text.charCodeAt(first + 1))) {
      if (needles.within(NEEDLE.spaceIn, first, lineEnd) || needles.within(NEEDLE.hex, first, lineEnd)) {
        kinds[5] = 1;
        trace = true;
      }
    }
    if (trace) counts.traceLines += 1;
    // an error message: a marker word on a line of a paste, or followed by a colon (`TypeError: …`).
    if (
      (inFence || trace || needles.within(NEEDLE.colon, first, lineEnd)) &&
      (needles.within(NEEDLE.error, first, lineEnd) ||
        needles.within(NEEDLE.exception, first, lineEnd) ||
        needles.within(NEEDLE.panic, first, lineEnd) ||
        needles.within(NEEDLE.fatal, first, lineEnd))
    ) {
      counts.errorLines += 1;
    }
    if (looksLikeLogLine(text, first, lineEnd, needles)) counts.logLines += 1;
    if (
      this.on('path') &&
      (needles.within(NEEDLE.dot, first, lineEnd) ||
        needles.within(NEEDLE.slash, first, lineEnd) ||
        needles.within(NEEDLE.backslash, first, lineEnd))
    ) {
      this.readPaths(text, first, lineEnd, inFence);
    }
  }

  /** File paths and module names of one line: `a/b`, `x.ts`, `./dir/`; distinct ones counted. */
  private readPaths(text: string, start: number, end: number, inFence: boolean): void {
    let index = start;
    while (index < end) {
      while (index < end && !isPathCharacter(text.charCodeAt(index))) index += 1;
      const tokenStart = index;
      let separators = 0;
      while (index < end) {
        const code = text.charCodeAt(index);
        if (!isPathCharacter(code)) break;
        if (code === 0x2e || code === 0x2f || code === 0x5c) separators += 1;
        index += 1;
      }
      if (separators === 0) continue;
      let tokenEnd = index;
      // trailing punctuation of a sentence or a `file:line` suffix is not part of the path.
      while (tokenEnd > tokenStart && !isWordish(text.charCodeAt(tokenEnd - 1))) tokenEnd -= 1;
      if (tokenEnd - tokenStart < 3) continue;
      const kind = pathKind(text, tokenStart, tokenEnd);
      if (kind === 0) continue;
      const hash = hashRange(text, tokenStart, tokenEnd);
      let known = false;
      for (let slot = 0; slot < this.pathCount; slot += 1) if (this.pathHashes[slot] === hash) known = true;
      if (known || this.pathCount === this.pathHashes.length) continue;
      this.pathHashes[this.pathCount] = hash;
      this.pathCount += 1;
      if (!inFence) this.proseFileCount += 1;
      if (kind === 2) this.directoryCount += 1;
      const dot = text.lastIndexOf('.', tokenEnd - 1);
      if (dot > tokenStart && dot < tokenEnd - 1 && kind !== 2) {
        this.add(GROUP_ID.path, mix(hashRange(text, dot + 1, tokenEnd, GROUP_SEED.path)), dot, tokenEnd);
      }
    }
  }

  /**
   * Words and no-space-script runs: word unigrams (stemmed), bigrams, character n-grams inside
   * words, script n-grams; then length and lead features.
   */
  private readWords(text: string): void {
    const options = this.options;
    const wantWord = this.on('word');
    const wantBigram = this.on('bigram');
    const wantSubword = this.on('subword');
    const wantScript = this.on('script');
    const wantLead = this.on('lead');
    const inCode = this.inCode;
    const codeWords = options.codeWords;
    let proseWords = 0;
    let codeWordCount = 0;
    let scriptCharacters = 0;
    let sentences = 0;
    let questionMarks = 0;
    let sentenceOpen = false;
    let previousHash = 0;
    let previousStart = -1;
    let previousCode = false;
    let leadCount = 0;
    let leadHash = 0;
    let leadStart = 0;
    let index = 0;
    const length = text.length;
    while (index < length) {
      const code = text.charCodeAt(index);
      const kind = characterClass(code);
      if (kind === OTHER) {
        if (code === 0x3f || code === 0xff1f) questionMarks += 1;
        if (endsSentence(text, index)) {
          if (sentenceOpen) sentences += 1;
          sentenceOpen = false;
        } else if (code === 0x0a && inCode[index] === 0) {
          previousStart = -1;
        }
        index += 1;
        continue;
      }
      const start = index;
      const inFencedCode = inCode[start] === 1;
      if (kind === SCRIPT) {
        while (index < length && characterClass(text.charCodeAt(index)) === SCRIPT) index += 1;
        if (!inFencedCode) scriptCharacters += index - start;
        else codeWordCount += 1;
        sentenceOpen = true;
        if (wantScript && !(inFencedCode && codeWords === 'skip')) this.addScriptGrams(text, start, index);
        if (wantLead && leadCount < 2 && !inFencedCode) {
          // the first characters of a no-space script stand in for the first word.
          const leadEnd = Math.min(index, start + 2);
          const hash = hashRange(text, start, leadEnd);
          this.addLead(leadCount, hash, leadHash, leadStart, start, leadEnd);
          if (leadCount === 0) {
            leadHash = hash;
            leadStart = start;
          }
          leadCount += 1;
        }
        previousStart = -1;
        continue;
      }
      while (index < length && characterClass(text.charCodeAt(index)) === WORD) index += 1;
      const end = index;
      sentenceOpen = true;
      if (inFencedCode) codeWordCount += 1;
      else proseWords += 1;
      if (inFencedCode && codeWords === 'skip') {
        previousStart = -1;
        continue;
      }
      const rule = options.stem ? stemRule(text, start, end) : end << 1;
      let hash = this.hashWord(text, start, rule >>> 1);
      if ((rule & 1) === 1) hash = hashStep(hash, 0x69);
      const separate = inFencedCode && codeWords === 'separate';
      if (wantWord) {
        this.add(GROUP_ID.word, mix(hash ^ (separate ? CODE_WORD_SEED : GROUP_SEED.word)), start, end);
      }
      if (wantBigram && previousStart >= 0 && previousCode === inFencedCode) {
        const seed = separate ? CODE_BIGRAM_SEED : GROUP_SEED.bigram;
        this.add(GROUP_ID.bigram, mix(combine(previousHash, hash) ^ seed), previousStart, end);
      }
      if (
        wantSubword &&
        !separate &&
        end - start >= 2 &&
        end - start <= SUBWORD_MAX_WORD &&
        !isDigit(code) &&
        this.seenWords.add(hashRange(text, start, end))
      ) {
        this.addSubwords(text, start, end);
      }
      if (wantLead && leadCount < 2 && !inFencedCode) {
        this.addLead(leadCount, hash, leadHash, leadStart, start, end);
        if (leadCount === 0) {
          leadHash = hash;
          leadStart = start;
        }
        leadCount += 1;
      }
      previousHash = hash;
      previousStart = start;
      previousCode = inFencedCode;
    }
    if (sentenceOpen) sentences += 1;
    if (this.on('length')) {
      const words = proseWords + Math.round(scriptCharacters / 2);
      this.addBucket('length', FEATURE.proseWords, words, WORD_LIMITS);
      this.addBucket('length', FEATURE.codeWords, codeWordCount, [0, 16, 64, 256]);
      this.addBucket('length', FEATURE.sentences, sentences, [1, 2, 4, 8]);
    }
    if (this.on('question')) {
      this.addBucket('question', FEATURE.questionMarks, questionMarks, [0, 1, 2]);
      const last = lastNonBlank(text, 0, text.length);
      const tail = text.charCodeAt(last);
      if (tail === 0x3f || tail === 0xff1f) this.addFixed('question', FEATURE.endsWithQuestion);
    }
  }

  private addLead(
    position: number,
    hash: number,
    firstHash: number,
    firstStart: number,
    start: number,
    end: number,
  ): void {
    const seed = GROUP_SEED.lead;
    if (position === 0) this.add(GROUP_ID.lead, mix(hash ^ seed), start, end);
    else this.add(GROUP_ID.lead, mix(combine(firstHash, hash) ^ seed ^ 0x5bd1e995), firstStart, end);
  }

  /** FNV-1a of a word, digits folded to `0` when `foldDigits`. */
  private hashWord(text: string, start: number, end: number): number {
    if (!this.options.foldDigits) return hashRange(text, start, end, FNV_OFFSET);
    let hash = FNV_OFFSET;
    for (let index = start; index < end; index += 1) {
      const code = text.charCodeAt(index);
      hash = hashStep(hash, isDigit(code) ? 0x30 : code);
    }
    return hash;
  }

  /** Character n-grams of `<word>` (boundaries marked), from `subwordMin` to `subwordMax` long. */
  private addSubwords(text: string, start: number, end: number): void {
    const minimum = this.options.subwordMin;
    const maximum = this.options.subwordMax;
    const mask = this.mask;
    const seen = this.seen;
    const vector = this.vector;
    const group = GROUP_ID.subword;
    // position start − 1 and position end stand for the boundary marker `<`.
    for (let from = start - 1; from < end; from += 1) {
      let hash = SUBWORD_SEED;
      const longest = Math.min(maximum, end - from + 1);
      for (let size = 1; size <= longest; size += 1) {
        const at = from + size - 1;
        hash = Math.imul(hash ^ (at < start || at === end ? 0x3c : text.charCodeAt(at)), FNV_PRIME);
        if (size < minimum) continue;
        const index = mix(hash) & mask;
        if (vector.length < MAX_FEATURES && seen.add(index)) {
          const opens = from < start;
          const closes = at === end;
          const name = opens ? (closes ? WORD_START_AND_END : WORD_START) : closes ? WORD_END : -1;
          vector.push(index, group, name, opens ? start : from, closes ? end : at + 1);
        }
      }
    }
  }

  /** Character 1…`scriptGramMax`-grams of a run of a no-space script. */
  private addScriptGrams(text: string, start: number, end: number): void {
    const maximum = this.options.scriptGramMax;
    const group = GROUP_ID.script;
    const seed = GROUP_SEED.script;
    for (let from = start; from < end; from += 1) {
      let hash = seed;
      for (let size = 1; size <= maximum && from + size <= end; size += 1) {
        hash = hashStep(hash, text.charCodeAt(from + size - 1));
        this.add(group, mix(hash), from, from + size);
      }
    }
  }
}

/**
 * A line of pasted tool output (lowercased, leading blanks removed): a shell prompt, stack
 * frames, an error, log or test-runner line, a diff line, JSON, or code ending in `;`, `{`, `}`.
 */
const PASTED_LINE = new RegExp(
  [
    String.raw`^[$#] \S`,
    String.raw`^at \S.*[(:]`,
    String.raw`^file ".*", line \d`,
    String.raw`^traceback \(most recent`,
    String.raw`^goroutine \d`,
    String.raw`\.go:\d+`,
    String.raw`^-->`,
    String.raw`^error\[e\d`,
    String.raw`^caused by:`,
    String.raw`^[\w.$]*(error|exception|panic|fatal|warning)(\[\w+\])?:`,
    String.raw`^\d{4}-\d\d-\d\d[t ]\d`,
    String.raw`^\[\d`,
    String.raw`^(info|warn|debug|trace)[\s:\]]`,
    String.raw`^(fail|pass|ok|✓|✕|●|×|✗)\s`,
    String.raw`^tests?:\s+\d`,
    String.raw`^test suites:`,
    String.raw`^(diff --git|@@ |\+\+\+ |--- a/)`,
    String.raw`^[{[][\["{]`,
    String.raw`[;{}]$`,
    String.raw`^\S+\.\w{1,5}:\d+`,
    String.raw`^(npm|yarn|pnpm) (err|warn)`,
  ].join('|'),
  'u',
);

export function isPastedLine(line: string): boolean {
  return PASTED_LINE.test(line);
}

/** `.`, `!` or `?` before whitespace or the end (not `a.ts`), or a CJK full stop, `？` or `！`. */
function endsSentence(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  if (code === 0x3002 || code === 0xff1f || code === 0xff01) return true;
  if (code !== 0x2e && code !== 0x21 && code !== 0x3f) return false;
  const next = index + 1 < text.length ? text.charCodeAt(index + 1) : 0x20;
  return next === 0x20 || next === 0x0a || next === 0x09 || next === 0x0d;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function isWordish(code: number): boolean {
  return characterClass(code) !== OTHER || code === 0x5f;
}

/** Characters of a path token: word characters and `_ - . / \ @ ~`. */
function isPathCharacter(code: number): boolean {
  return (
    code === 0x2f ||
    code === 0x5c ||
    code === 0x2e ||
    code === 0x5f ||
    code === 0x2d ||
    code === 0x40 ||
    code === 0x7e ||
    (code < 0x80 && characterClass(code) === WORD)
  );
}

/**
 * 0: not a path; 1: a file (`name.ext` with a known extension, or a path ending in one);
 * 2: a directory or module path (`a/b` with letters on both sides of a slash, not a URL).
 */
function pathKind(text: string, start: number, end: number): number {
  let dot = end - 1;
  while (dot > start && text.charCodeAt(dot) !== 0x2e) dot -= 1;
  if (dot > start && dot < end - 1 && end - dot - 1 <= 10 && FILE_EXTENSIONS.has(text.slice(dot + 1, end)))
    return 1;
  let slash = start + 1;
  while (slash < end - 1 && text.charCodeAt(slash) !== 0x2f) slash += 1;
  if (slash < end - 1 && text.charCodeAt(slash + 1) !== 0x2f) {
    if (
      characterClass(text.charCodeAt(slash - 1)) === WORD &&
      characterClass(text.charCodeAt(slash + 1)) === WORD
    ) {
      // "and/or", "tcp/ip", "i/o": one short word each side is not a path.
      if (end - start > 7) return 2;
    }
  }
  return 0;
}

function lastNonBlank(text: string, start: number, end: number): number {
  let last = end - 1;
  while (
    last > start &&
    (text.charCodeAt(last) === 0x20 || text.charCodeAt(last) === 0x09 || text.charCodeAt(last) === 0x0d)
  ) {
    last -= 1;
  }
  return last;
}

/** A timestamped or levelled log line: `2024-05-01…`, `[12:00:01]`, `level=error`, `info:`, `warn `. */
function looksLikeLogLine(text: string, start: number, end: number, needles: NeedleCursor): boolean {
  if (end - start < 8) return false;
  const head = text.charCodeAt(start);
  if (
    isDigit(head) &&
    isDigit(text.charCodeAt(start + 1)) &&
    (text.charCodeAt(start + 4) === 0x2d || text.charCodeAt(start + 2) === 0x3a)
  ) {
    return true;
  }
  if (head === 0x5b && isDigit(text.charCodeAt(start + 1))) return true;
  return (
    needles.within(NEEDLE.level, start, end) ||
    text.startsWith('info', start) ||
    text.startsWith('warn', start)
  );
}

/** Inline code spans: pairs of single backticks outside fences (a rough count: backticks / 2). */
function inlineCodeSpans(text: string): number {
  let ticks = 0;
  let index = text.indexOf('`');
  while (index !== -1) {
    if (!text.startsWith('```', index)) ticks += 1;
    else index += 2;
    index = text.indexOf('`', index + 1);
  }
  return ticks >> 1;
}
