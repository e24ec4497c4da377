/** Query parameters that carry a key (`?key=` is how Google's API takes one). */
const KEY_PARAMETER = /([?&](?:key|api[-_]?key|access_token)=)[^&#\s]*/gi;

/** A URL (or a message that quotes one) with the values of key-carrying query parameters replaced. */
export function redactUrlKeys(text: string): string {
  return text.replace(KEY_PARAMETER, '$1[REDACTED]');
}
