import { FEATURE_GROUPS, type FeatureGroup } from './feature-options';

/** Name codes of character n-grams that hold a word boundary (`<dea`, `ock>`, `<go>`). */
export const WORD_START = -2;
export const WORD_END = -3;
export const WORD_START_AND_END = -4;

/** Names of the fixed (non-text) features (`code:fenced-blocks=1`), for explanations; an id is an index. */
const FIXED_NAMES: string[] = [];

/** Registers the name of a fixed feature; returns its id. */
export function registerFixedName(name: string): number {
  FIXED_NAMES.push(name);
  return FIXED_NAMES.length - 1;
}

/**
 * One ask's features, reused from one ask to the next (nothing is allocated per ask but the
 * lowercased text). Features are binary: each bucket is set once, by its first occurrence, whose
 * place in the text is kept for explanations.
 */
export class FeatureVector {
  length = 0;
  indices = new Int32Array(256);
  values = new Float32Array(256);
  groups = new Uint8Array(256);
  /** a fixed feature's name id (`question:why`, `code:fenced-blocks=1`), a word-boundary code (< −1), else −1. */
  names = new Int32Array(256);
  /** where the feature was read in `text` (`start = −1`: nowhere in particular). */
  starts = new Int32Array(256);
  ends = new Int32Array(256);
  /** the lowercased ask the spans point into. */
  text = '';

  reset(text: string): void {
    this.length = 0;
    this.text = text;
  }

  push(index: number, group: number, name: number, start: number, end: number): void {
    if (this.length === this.indices.length) this.grow();
    const slot = this.length;
    this.indices[slot] = index;
    this.values[slot] = 1;
    this.groups[slot] = group;
    this.names[slot] = name;
    this.starts[slot] = start;
    this.ends[slot] = end;
    this.length = slot + 1;
  }

  /** The group of feature `slot`. */
  groupOf(slot: number): FeatureGroup {
    return FEATURE_GROUPS[this.groups[slot]];
  }

  /** The text feature `slot` was read from (whitespace runs as one space); null for a fixed feature read nowhere. */
  textOf(slot: number): string | null {
    const start = this.starts[slot];
    if (start < 0) return null;
    const text = this.text.slice(start, this.ends[slot]);
    return /\s/.test(text) ? text.replace(/\s+/g, ' ') : text;
  }

  /** The feature's name: `word:deadlock`, `subword:<dea`, `question:why`, `code:fenced-blocks=1`. */
  nameOf(slot: number): string {
    const name = this.names[slot];
    if (name >= 0) return FIXED_NAMES[name];
    const text = this.textOf(slot) ?? '';
    const opens = name === WORD_START || name === WORD_START_AND_END ? '<' : '';
    const closes = name === WORD_END || name === WORD_START_AND_END ? '>' : '';
    return `${this.groupOf(slot)}:${opens}${text}${closes}`;
  }

  /** A copy of the sparse vector (bucket, value), for training. */
  toSparse(): { indices: Int32Array; values: Float32Array } {
    return { indices: this.indices.slice(0, this.length), values: this.values.slice(0, this.length) };
  }

  private grow(): void {
    const capacity = this.indices.length * 2;
    this.indices = grown(this.indices, new Int32Array(capacity));
    this.values = grown(this.values, new Float32Array(capacity));
    this.groups = grown(this.groups, new Uint8Array(capacity));
    this.names = grown(this.names, new Int32Array(capacity));
    this.starts = grown(this.starts, new Int32Array(capacity));
    this.ends = grown(this.ends, new Int32Array(capacity));
  }
}

function grown<T extends Int32Array | Float32Array | Uint8Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
