/** Fixed strings the line reader of the feature extractor looks for, and a cursor that finds them. */
const NEEDLES = [
  '(',
  ':',
  'line ',
  '.go:',
  ' in ',
  '0x',
  'error',
  'exception',
  'panic',
  'fatal',
  'level=',
  '.',
  '/',
  '\\',
] as const;
export const NEEDLE = {
  paren: 0,
  colon: 1,
  line: 2,
  goFile: 3,
  spaceIn: 4,
  hex: 5,
  error: 6,
  exception: 7,
  panic: 8,
  fatal: 9,
  level: 10,
  dot: 11,
  slash: 12,
  backslash: 13,
} as const;

/**
 * Tests whether fixed strings occur within successive lines of one text in linear time overall:
 * each needle's next occurrence is remembered, so a line that lacks it never rescans the rest of
 * the text. Queries must come in order of non-decreasing `start`.
 */
export class NeedleCursor {
  private text = '';
  private readonly next = new Int32Array(NEEDLES.length);

  reset(text: string): void {
    this.text = text;
    this.next.fill(-2);
  }

  within(needle: number, start: number, end: number): boolean {
    let at = this.next[needle];
    if (at === -1) return false;
    if (at < start) {
      at = this.text.indexOf(NEEDLES[needle], start);
      this.next[needle] = at;
      if (at === -1) return false;
    }
    return at + NEEDLES[needle].length <= end;
  }
}
