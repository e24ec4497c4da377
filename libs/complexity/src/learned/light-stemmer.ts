/**
 * A light English stemmer that folds plurals and inflections (`caches`, `cached`, `caching` →
 * `cach`; `studies`, `study` → `studi`), reading a word in place in a lowercased text so that
 * hashing a stem allocates nothing. Only ASCII words of four letters or more are touched: short
 * words and other scripts come back unchanged (character n-grams cover their morphology).
 */

const A = 0x61;
const Z = 0x7a;

function isAsciiLetter(code: number): boolean {
  return code >= A && code <= Z;
}

function isVowel(code: number): boolean {
  return code === 0x61 || code === 0x65 || code === 0x69 || code === 0x6f || code === 0x75;
}

function endsWith(text: string, start: number, end: number, suffix: string): boolean {
  const length = suffix.length;
  if (end - start < length) return false;
  for (let index = 0; index < length; index += 1) {
    if (text.charCodeAt(end - length + index) !== suffix.charCodeAt(index)) return false;
  }
  return true;
}

/** Whether `text[start, end)` holds ASCII letters only. */
function asciiWord(text: string, start: number, end: number): boolean {
  for (let index = start; index < end; index += 1) if (!isAsciiLetter(text.charCodeAt(index))) return false;
  return true;
}

/** Whether `text[start, end)` holds a vowel (a stem needs one: `string` keeps its `ing`). */
function hasVowel(text: string, start: number, end: number): boolean {
  for (let index = start; index < end; index += 1) if (isVowel(text.charCodeAt(index))) return true;
  return false;
}

/** Drops one of a doubled final consonant (`runn` → `run`, `stopp` → `stop`), keeping `ll`, `ss`, `zz`. */
function undouble(text: string, start: number, end: number): number {
  if (end - start < 3) return end;
  const last = text.charCodeAt(end - 1);
  if (last !== text.charCodeAt(end - 2) || isVowel(last)) return end;
  if (last === 0x6c || last === 0x73 || last === 0x7a) return end;
  return end - 1;
}

/**
 * The stem of `text[start, end)` (lowercased) as `(stemEnd << 1) | yToI`: the stem is
 * `text[start, stemEnd)`, followed by an `i` when `yToI` is 1 (a final `y`, `ies` or `ied` folds
 * to `i`).
 */
export function stemRule(text: string, start: number, end: number): number {
  const length = end - start;
  if (length < 4) return end << 1;
  const last = text.charCodeAt(end - 1);
  // every rule needs one of these endings: -s, -ing, -ed, -ly, -e, -y.
  if (last !== 0x73 && last !== 0x67 && last !== 0x64 && last !== 0x79 && last !== 0x65) return end << 1;
  if (!asciiWord(text, start, end)) return end << 1;
  let stemEnd = end;
  if (endsWith(text, start, stemEnd, 'ies') || endsWith(text, start, stemEnd, 'ied')) {
    return length > 4 ? ((end - 3) << 1) | 1 : end << 1;
  }
  if (endsWith(text, start, stemEnd, 'sses')) {
    stemEnd -= 2;
  } else if (
    endsWith(text, start, stemEnd, 'xes') ||
    endsWith(text, start, stemEnd, 'ches') ||
    endsWith(text, start, stemEnd, 'shes') ||
    endsWith(text, start, stemEnd, 'zes')
  ) {
    stemEnd -= 2;
  } else if (
    text.charCodeAt(stemEnd - 1) === 0x73 &&
    !endsWith(text, start, stemEnd, 'ss') &&
    !endsWith(text, start, stemEnd, 'us') &&
    !endsWith(text, start, stemEnd, 'is')
  ) {
    stemEnd -= 1;
  } else if (endsWith(text, start, stemEnd, 'ing') && length >= 6 && hasVowel(text, start, end - 3)) {
    stemEnd = undouble(text, start, stemEnd - 3);
  } else if (
    endsWith(text, start, stemEnd, 'ed') &&
    !endsWith(text, start, stemEnd, 'eed') &&
    length >= 5 &&
    hasVowel(text, start, end - 2)
  ) {
    stemEnd = undouble(text, start, stemEnd - 2);
  } else if (endsWith(text, start, stemEnd, 'ly') && length >= 6) {
    stemEnd -= 2;
  }
  if (stemEnd - start >= 4 && text.charCodeAt(stemEnd - 1) === 0x65) stemEnd -= 1;
  if (stemEnd - start >= 3 && text.charCodeAt(stemEnd - 1) === 0x79) return ((stemEnd - 1) << 1) | 1;
  return stemEnd << 1;
}

/** The stem of `text[start, end)` as a string (for explanations and tests; hashing uses `stemRule`). */
export function stemOf(text: string, start = 0, end = text.length): string {
  const rule = stemRule(text, start, end);
  const stem = text.slice(start, rule >>> 1);
  return (rule & 1) === 1 ? `${stem}i` : stem;
}
