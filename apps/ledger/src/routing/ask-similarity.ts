/** The words of an ask, case folded (letters and digits of any script). */
function wordsOf(text: string): Set<string> {
  return new Set(text.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? []);
}

/**
 * How alike two asks are: the Jaccard overlap of their word sets, 0 … 1 (1: the same words). An
 * explicit re-ask labels the earlier ask only from `SIMILAR_ASK_THRESHOLD` up, so "now write the
 * docs" on the strong model does not relabel "fix the typo" before it.
 */
export function askSimilarity(left: string, right: string): number {
  const a = wordsOf(left);
  const b = wordsOf(right);
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const word of a) if (b.has(word)) shared += 1;
  return shared / (a.size + b.size - shared);
}

export const SIMILAR_ASK_THRESHOLD = 0.5;
