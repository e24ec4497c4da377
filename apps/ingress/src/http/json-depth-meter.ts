const OPEN_BRACKET = 0x5b; // [
const CLOSE_BRACKET = 0x5d; // ]
const OPEN_BRACE = 0x7b; // {
const CLOSE_BRACE = 0x7d; // }
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \

/**
 * Measures how deeply arrays and objects nest in JSON text fed chunk by chunk (brackets inside
 * strings do not count), so a body nested past the limit is refused as it arrives, before
 * `JSON.parse` builds it and before recursive code (validation, serialisation) walks it.
 */
export class JsonDepthMeter {
  private depth = 0;
  private inString = false;
  private escaped = false;

  constructor(private readonly maxDepth: number) {}

  /** false once the text nests deeper than the limit. */
  feed(chunk: Uint8Array): boolean {
    for (let index = 0; index < chunk.length; index += 1) {
      const byte = chunk[index];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (byte === BACKSLASH) this.escaped = true;
        else if (byte === QUOTE) this.inString = false;
      } else if (byte === QUOTE) {
        this.inString = true;
      } else if (byte === OPEN_BRACKET || byte === OPEN_BRACE) {
        this.depth += 1;
        if (this.depth > this.maxDepth) return false;
      } else if (byte === CLOSE_BRACKET || byte === CLOSE_BRACE) {
        this.depth -= 1;
      }
    }
    return true;
  }
}
