/** Printable ASCII without `%`: such a value is sent as it is. */
const PLAIN = /^[\x20-\x24\x26-\x7e]*$/;
const UNRESERVED = /[A-Za-z0-9\-._~]/;

/**
 * A response header value made from request- or config-derived text (a model name, an alias): as
 * it is when it is printable ASCII without `%` (every name of the example config), otherwise its
 * UTF-8 bytes percent-encoded (RFC 3986, as `encodeURIComponent`; `decodeURIComponent` restores
 * it). Node refuses a header value with a character above U+00FF and clients would read Latin-1
 * ones as mojibake; encoding also keeps CR/LF out of the header block.
 */
export function headerValue(value: string): string {
  if (PLAIN.test(value)) return value;
  let encoded = '';
  // Buffer.from writes a lone surrogate as U+FFFD, where encodeURIComponent would throw
  for (const byte of Buffer.from(value, 'utf8')) {
    const character = String.fromCharCode(byte);
    encoded += UNRESERVED.test(character)
      ? character
      : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}

/** Every value of a header map through `headerValue`. */
export function headerValues(headers: Readonly<Record<string, string>>): Record<string, string> {
  const encoded: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) encoded[name] = headerValue(value);
  return encoded;
}
