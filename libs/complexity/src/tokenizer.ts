import { setImmediate as nextTurn } from 'node:timers/promises';
import { TokenCountWorker } from './token-count-worker';

/**
 * Token counting with o200k (`gpt-tokenizer`), bounded in time for any text. Every count in the
 * gateway goes through `countTokensOfTexts` (the router's capacity step, `count_tokens`, the
 * dispatcher's usage estimates).
 *
 * `gpt-tokenizer` splits text into pre-tokens (its o200k pattern) and byte-pair-merges each one in
 * time quadratic in its length, so text without spaces (a run of one letter, random letters, CJK,
 * a long whitespace run) is one huge pre-token: 160 KB of `a` took 46 s. Even merged in short
 * pieces, text the merge cache has not seen costs 1–5 µs per character (random letters, base64,
 * CJK), against well under 1 µs for prose. Here the text is split with the same pattern first, and:
 *
 * - a pre-token longer than `MAX_PIECE_BYTES` (UTF-8) is cut into pieces of that size, each
 *   merged alone. Ordinary prose and code has no such pre-tokens (o200k cuts words at case
 *   changes, numbers every three digits, punctuation from letters), so its count is exactly the
 *   tokenizer's; where a cut happens, merges across it are lost: at most about one token per cut
 *   (measured on 4,000 characters: 0% on runs of one character, CJK, base64 and whitespace,
 *   +0.5% on random lowercase letters and punctuation runs; the unit tests hold it within 2%);
 * - consecutive short pre-tokens are counted together, `BATCH_CHARACTERS` at a time, so the
 *   work is linear in the text's length;
 * - a count gives the event loop back every `SLICE_MS`, so a long count delays other requests by
 *   milliseconds, not seconds;
 * - beyond `EXACT_BYTE_BUDGET` UTF-8 bytes in one count, evenly spread windows of each text
 *   (the budget's share of it, in proportion to its size) are counted and scaled to
 *   the text's length, so no input costs more than the budget's worth of merging (a fraction of a
 *   second of CPU, in slices). 256 KiB is about 64 K tokens of English prose: longer prompts are
 *   estimated, within 1% on the OpenCode fixture repeated past the budget and within a few percent on
 *   one text of one kind; on a text that changes kind the error is the kinds' difference in tokens
 *   per character over the part not sampled.
 *
 * The tokenizer's tables (about 70 MB) are loaded on first use: most requests never need them. A
 * service calls `offloadTokenCounts()` at start: its counts then run on a worker thread that loads
 * the tables off the event loop when the first count comes and is stopped after a minute without
 * one (`token-count-worker.ts`), so a service that never counts never holds the tables, and the
 * first count never holds its event loop. Elsewhere (tools, tests) counts run in process.
 */
type Tokenizer = typeof import('gpt-tokenizer');

/**
 * The longest pre-token merged in one piece, in UTF-8 bytes (the merge works on bytes): 256
 * ASCII characters, 85 CJK ones. Longer runs of one kind of character are rare in prose and code
 * (a wide Markdown table's rule is about 100).
 */
export const MAX_PIECE_BYTES = 256;
/** Short pre-tokens counted in one call of the tokenizer. */
export const BATCH_CHARACTERS = 2048;
/** The longest stretch of text the pre-token pattern runs on at once. */
export const SPLIT_CHARACTERS = 8192;
/**
 * UTF-8 bytes counted exactly by one count by default (merging works on bytes: a CJK character
 * costs three); beyond, a sample of this size is scaled up.
 */
export const EXACT_BYTE_BUDGET = 256 * 1024;
/** A count runs this long at most before it lets other work on the event loop run. */
const SLICE_MS = 5;
/** Windows a sampled text is read in, and the smallest window worth counting. */
const SAMPLE_WINDOWS = 64;
const MIN_SAMPLE_WINDOW = 256;
/** How far a sample window's edge moves forward to fall between two words. */
const ALIGN_REACH = 64;

/** Special-token spellings in a prompt are counted as the plain text they are, never rejected. */
const AS_PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/** Characters of pieces sent to the worker in one message. */
const WORKER_BATCH_CHARACTERS = 64 * 1024;
/** A worker without a count for this long is stopped. */
const WORKER_IDLE_MS = 60_000;
/** After a worker failed twice in a row, counts run in process this long before a worker is tried again. */
const WORKER_COOL_DOWN_MS = 60_000;

let tokenizer: Tokenizer | null = null;
/** the tokenizer's own o200k pre-token pattern (its constants only, not its tables). */
let pattern: RegExp | null = null;
let worker: TokenCountWorker | null = null;
/** when the worker last failed twice in a row (counts run in process for a while after). */
let workerFailedAt = Number.NEGATIVE_INFINITY;

/**
 * Counts of this process run on a worker thread from now on (see the top of this file): called
 * when a service that counts starts (the ingress's token-count endpoints and router capacity, the
 * dispatchers' usage estimates). Returns the worker, for tests.
 */
export function offloadTokenCounts(idleMs = WORKER_IDLE_MS): TokenCountWorker {
  worker ??= new TokenCountWorker(idleMs);
  return worker;
}

function tables(): Tokenizer {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  tokenizer ??= require('gpt-tokenizer') as Tokenizer;
  return tokenizer;
}

function preTokenPattern(): RegExp {
  if (pattern === null) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const constants = require('gpt-tokenizer/encodingParams/constants') as {
      O200K_TOKEN_SPLIT_REGEX: RegExp;
    };
    pattern = constants.O200K_TOKEN_SPLIT_REGEX;
  }
  return pattern;
}

/** What one count handed the tokenizer: the hook a test watches to prove the work stays linear. */
export type CountedPiece = (piece: string, tokens: number) => void;

export interface CountOptions {
  /** UTF-8 bytes counted exactly before the count samples (default `EXACT_BYTE_BUDGET`). */
  budget?: number;
  /** sees every string handed to the tokenizer. */
  onPiece?: CountedPiece;
}

/** The tokens of `texts` together, counted in bounded slices of work (see the top of this file). */
export async function countTokensOfTexts(
  texts: readonly string[],
  { budget = EXACT_BYTE_BUDGET, onPiece }: CountOptions = {},
): Promise<number> {
  let bytes = 0;
  for (const text of texts) bytes += Buffer.byteLength(text, 'utf8');
  const share = bytes <= budget ? 1 : budget / bytes;
  const slice = new Slice();
  let total = 0;
  for (const text of texts) {
    if (text.length === 0) continue;
    total +=
      share === 1
        ? await countAll(text, slice, onPiece)
        : await countSampled(text, Math.max(1, Math.floor(text.length * share)), slice, onPiece);
  }
  return total;
}

/** The tokens of one text (see `countTokensOfTexts`). */
export function countTokens(text: string, options: CountOptions = {}): Promise<number> {
  return countTokensOfTexts([text], options);
}

/** Time on the event loop since a count last let other work run. */
class Slice {
  private startedAt = performance.now();

  async pause(): Promise<void> {
    if (performance.now() - this.startedAt < SLICE_MS) return;
    await nextTurn();
    this.startedAt = performance.now();
  }
}

async function countAll(text: string, slice: Slice, onPiece?: CountedPiece): Promise<number> {
  if (worker !== null && onPiece === undefined && Date.now() - workerFailedAt >= WORKER_COOL_DOWN_MS) {
    return countOnWorker(worker, text, slice);
  }
  let total = 0;
  for (const piece of piecesOf(text)) {
    const tokens = tables().countTokens(piece, AS_PLAIN_TEXT);
    onPiece?.(piece, tokens);
    total += tokens;
    await slice.pause();
  }
  return total;
}

/**
 * `countAll` on the worker: the same pieces (cut here: the pattern needs no tables), sent in
 * batches. A worker that fails is replaced once; if the new one fails too, the text is counted in
 * process, since a usage estimate must not be lost, and so are all counts for a cool-down (a
 * worker that cannot start is not restarted for every count).
 */
async function countOnWorker(counter: TokenCountWorker, text: string, slice: Slice): Promise<number> {
  const batches: string[][] = [];
  let batch: string[] = [];
  let characters = 0;
  for (const piece of piecesOf(text)) {
    if (characters + piece.length > WORKER_BATCH_CHARACTERS && batch.length > 0) {
      batches.push(batch);
      batch = [];
      characters = 0;
    }
    batch.push(piece);
    characters += piece.length;
    await slice.pause();
  }
  if (batch.length > 0) batches.push(batch);
  const sum = async () =>
    (await Promise.all(batches.map((pieces) => counter.count(pieces)))).reduce((a, b) => a + b, 0);
  try {
    return await sum();
  } catch {
    try {
      return await sum();
    } catch {
      workerFailedAt = Date.now();
      let total = 0;
      for (const pieces of batches) {
        for (const piece of pieces) {
          total += tables().countTokens(piece, AS_PLAIN_TEXT);
          await slice.pause();
        }
      }
      return total;
    }
  }
}

/**
 * `text` cut where the tokenizer's own pre-tokenization cuts it, in batches of at most
 * `BATCH_CHARACTERS`; a pre-token longer than `MAX_PIECE_BYTES` comes alone, in pieces of that
 * size. The pattern runs on stretches of at most `SPLIT_CHARACTERS`, so no single match holds the
 * event loop long either.
 */
export function* piecesOf(text: string): Generator<string> {
  for (let from = 0; from < text.length;) {
    const to = stretchEnd(text, from);
    yield* piecesOfStretch(from === 0 && to === text.length ? text : text.slice(from, to));
    from = to;
  }
}

function* piecesOfStretch(text: string): Generator<string> {
  const split = new RegExp(preTokenPattern().source, 'gu');
  let batchStart = 0;
  for (let match = split.exec(text); match !== null; match = split.exec(text)) {
    const start = match.index;
    const end = split.lastIndex;
    if (end === start) {
      split.lastIndex += 1; // no o200k alternative matches nothing; never loop if one did
      continue;
    }
    if (end - start > MAX_PIECE_BYTES / 4 && utf8End(text, start, end) < end) {
      if (start > batchStart) yield text.slice(batchStart, start);
      for (let from = start; from < end;) {
        const to = utf8End(text, from, end);
        yield text.slice(from, to);
        from = to;
      }
      batchStart = end;
    } else if (end - batchStart >= BATCH_CHARACTERS) {
      // the batch ends before this pre-token unless that would leave it empty
      const cut = start > batchStart ? start : end;
      yield text.slice(batchStart, cut);
      batchStart = cut;
    }
  }
  if (batchStart < text.length) yield text.slice(batchStart);
}

/**
 * Where the stretch from `from` ends: at most `SPLIT_CHARACTERS` on, before the last space or tab
 * that follows a non-space in its second half (where o200k always cuts, so the count is the
 * same), else right there (a text without such spaces, whose pre-tokens are cut anyway).
 */
function stretchEnd(text: string, from: number): number {
  const limit = from + SPLIT_CHARACTERS;
  if (limit >= text.length) return text.length;
  for (let position = limit; position > from + SPLIT_CHARACTERS / 2; position -= 1) {
    const code = text.charCodeAt(position);
    if ((code === 0x20 || code === 0x09) && !isSpace(text.charCodeAt(position - 1))) return position;
  }
  return codePointBoundary(text, limit);
}

/**
 * An estimate from `allowance` characters of `text`: evenly spread windows, each starting and
 * ending between two words where one is near, counted exactly and scaled to the whole length.
 */
async function countSampled(
  text: string,
  allowance: number,
  slice: Slice,
  onPiece?: CountedPiece,
): Promise<number> {
  if (allowance >= text.length) return countAll(text, slice, onPiece);
  const windows = Math.max(1, Math.min(SAMPLE_WINDOWS, Math.floor(allowance / MIN_SAMPLE_WINDOW)));
  const width = Math.max(1, Math.floor(allowance / windows));
  let sampledTokens = 0;
  let sampledCharacters = 0;
  for (let index = 0; index < windows; index += 1) {
    const start = wordBoundaryAfter(text, Math.floor((index * text.length) / windows));
    const end = wordBoundaryAfter(text, Math.min(text.length, start + width));
    if (end <= start) continue;
    sampledTokens += await countAll(text.slice(start, end), slice, onPiece);
    sampledCharacters += end - start;
  }
  if (sampledCharacters === 0) return countAll(text.slice(0, allowance), slice, onPiece);
  return Math.ceil((sampledTokens * text.length) / sampledCharacters);
}

/** The first position at or after `index` before a space or tab that follows a non-space (an o200k cut), if near. */
function wordBoundaryAfter(text: string, index: number): number {
  const limit = Math.min(text.length, index + ALIGN_REACH);
  for (let position = Math.max(1, index); position < limit; position += 1) {
    const code = text.charCodeAt(position);
    if ((code === 0x20 || code === 0x09) && !isSpace(text.charCodeAt(position - 1))) return position;
  }
  return codePointBoundary(text, index);
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/** Where a piece of `text` from `from` (before `end`) reaches `MAX_PIECE_BYTES` of UTF-8, never inside a surrogate pair. */
function utf8End(text: string, from: number, end: number): number {
  let bytes = 0;
  for (let index = from; index < end; index += 1) {
    const code = text.charCodeAt(index);
    const pair = code >= 0xd800 && code <= 0xdbff && index + 1 < end;
    const size = code < 0x80 ? 1 : code < 0x800 ? 2 : pair ? 4 : 3;
    if (bytes + size > MAX_PIECE_BYTES && index > from) return index;
    bytes += size;
    if (pair) index += 1;
  }
  return end;
}

/** `index`, or one before it when it would split a surrogate pair. */
function codePointBoundary(text: string, index: number): number {
  if (index <= 0 || index >= text.length) return index;
  const code = text.charCodeAt(index);
  const previous = text.charCodeAt(index - 1);
  const splitsPair = code >= 0xdc00 && code <= 0xdfff && previous >= 0xd800 && previous <= 0xdbff;
  return splitsPair ? index - 1 : index;
}
