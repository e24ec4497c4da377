/**
 * What Postgres refuses in JSON text it converts to `text` or `jsonb`: the escape `\u0000` (text
 * cannot hold NUL) and an escaped lone surrogate (`\ud800` without its pair: not a character).
 * `JSON.stringify` writes exactly these as escapes (a NUL as `\u0000`, a lone surrogate as
 * `\udXXX`; a valid pair is written as the character itself), so every such escape in its output
 * is one Postgres would refuse. An escape counts only when its backslash is not itself escaped
 * (an odd run of backslashes): the text `\u0000` typed by a user is `\\u0000` and stays as it is.
 */
const REFUSED_ESCAPE = /(\\+)u(0000|[dD][89a-fA-F][0-9a-fA-F]{2})/g;
const QUICK_CHECK = /\\u(0000|[dD][89a-fA-F])/;

/** The replacement: U+FFFD REPLACEMENT CHARACTER, as `String.prototype.toWellFormed` uses. */
const REPLACEMENT_ESCAPE = '\\ufffd';

/**
 * JSON text from `JSON.stringify` made storable by Postgres whatever its strings held: every NUL
 * and every lone surrogate, in any value or key at any depth, becomes U+FFFD. Anything else is
 * kept byte for byte, and text without such an escape is returned as it is (one regex test).
 */
export function storableJson(json: string): string {
  if (!QUICK_CHECK.test(json)) return json;
  return json.replace(REFUSED_ESCAPE, (match, backslashes: string) =>
    backslashes.length % 2 === 1 ? `${backslashes.slice(1)}${REPLACEMENT_ESCAPE}` : match,
  );
}
