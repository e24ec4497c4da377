import { AhoCorasick } from './text/aho-corasick';
import { containsCjk, isWordCodePoint } from './text/unicode-text';

/**
 * How one keyword is tested against lowercased text:
 * - `substring`: it holds a space or a CJK character; a plain substring test;
 * - `bounded`: anything else; it must sit between Unicode-aware word boundaries, as the regex of
 *   `boundedKeywordPattern` says (lookarounds on `[\p{L}\p{N}_]`; JavaScript's `\b` is ASCII-only
 *   even with the `u` flag, so `请帮我API` would wrongly match `api`).
 */
export type KeywordKind = 'bounded' | 'substring';

export function keywordKind(keyword: string): KeywordKind {
  return keyword.includes(' ') || containsCjk(keyword) ? 'substring' : 'bounded';
}

/** The definition of a bounded keyword match, as a regex (the matcher checks the same boundaries by hand). */
export function boundedKeywordPattern(keyword: string): RegExp {
  const escaped = keyword.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return new RegExp(`(?<![\\p{L}\\p{N}_])${escaped}(?![\\p{L}\\p{N}_])`, 'u');
}

/** Whether the code point that ends just before `offset` is a word character (false at the start). */
function wordBefore(text: string, offset: number): boolean {
  if (offset === 0) return false;
  const code = text.charCodeAt(offset - 1);
  if (code >= 0xdc00 && code <= 0xdfff && offset >= 2) {
    const high = text.charCodeAt(offset - 2);
    if (high >= 0xd800 && high <= 0xdbff)
      return isWordCodePoint(((high - 0xd800) << 10) + (code - 0xdc00) + 0x10000);
  }
  return isWordCodePoint(code);
}

/** Whether the code point that starts at `offset` is a word character (false at the end). */
function wordAt(text: string, offset: number): boolean {
  return offset < text.length && isWordCodePoint(text.codePointAt(offset) ?? 0);
}

/**
 * Matches several keyword lists against one text, compiled once: each list's entries are
 * lowercased and de-duplicated, and every entry of every list goes into one Aho-Corasick
 * automaton, so a text is read once whatever the number of keywords. An occurrence of a bounded
 * entry counts only between word boundaries. `match` returns, per list, the distinct entries
 * found, in list order.
 *
 * Not re-entrant (it reuses one scratch buffer), which a synchronous caller never notices.
 */
export class KeywordMatcher {
  /** per list: the ids of its entries, in list order. */
  private readonly listIds: readonly Int32Array[];
  private readonly keywords: readonly string[];
  private readonly bounded: Uint8Array;
  private readonly automaton: AhoCorasick;
  private readonly matched: Uint8Array;
  private scanText = '';
  private readonly onMatch = (id: number, start: number, end: number): void => {
    if (this.matched[id] === 1) return;
    if (this.bounded[id] === 1 && (wordBefore(this.scanText, start) || wordAt(this.scanText, end))) return;
    this.matched[id] = 1;
  };

  constructor(lists: readonly (readonly string[])[]) {
    const keywords: string[] = [];
    this.listIds = lists.map((list) => {
      const seen = new Set<string>();
      const ids: number[] = [];
      for (const entry of list) {
        const keyword = entry.toLowerCase();
        if (keyword.length === 0 || seen.has(keyword)) continue;
        seen.add(keyword);
        ids.push(keywords.length);
        keywords.push(keyword);
      }
      return Int32Array.from(ids);
    });
    this.keywords = keywords;
    this.bounded = Uint8Array.from(keywords.map((keyword) => (keywordKind(keyword) === 'bounded' ? 1 : 0)));
    this.automaton = new AhoCorasick(keywords);
    this.matched = new Uint8Array(keywords.length);
  }

  /** `lowercasedText` must already be lowercased (`toLowerCase()`); keywords were lowercased at construction. */
  match(lowercasedText: string): string[][] {
    this.matched.fill(0);
    this.scanText = lowercasedText;
    this.automaton.forEachMatch(lowercasedText, this.onMatch);
    this.scanText = '';
    return this.listIds.map((ids) => {
      const found: string[] = [];
      for (const id of ids) if (this.matched[id] === 1) found.push(this.keywords[id]);
      return found;
    });
  }
}
