/**
 * Token counting with o200k (`gpt-tokenizer`), loaded on first use: its tables cost about 70 MB
 * of memory, and most requests never need them (the capacity check counts only when a request's
 * size could exceed a window; the dispatcher only for streams cut before the provider's usage).
 */
type Tokenizer = typeof import('gpt-tokenizer');

let tokenizer: Tokenizer | null = null;

/** Special-token spellings in a prompt are counted as the plain text they are, never rejected. */
const AS_PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

export function countTokens(text: string): number {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  tokenizer ??= require('gpt-tokenizer') as Tokenizer;
  return tokenizer.countTokens(text, AS_PLAIN_TEXT);
}
