import type { SseEvent } from './spec';

/**
 * Incremental Server-Sent Events decoder (the WHATWG event-stream format): feed it the response
 * body as it arrives, in chunks split anywhere (inside a line, a CRLF pair or a UTF-8 sequence),
 * and it returns each complete event once. Comments (`: ping`) and `id`/`retry` fields are
 * skipped; multi-line `data` is joined with `\n`. Events without data are not dispatched.
 */
export class SseDecoder {
  private readonly textDecoder = new TextDecoder('utf-8');
  private buffer = '';
  /** how much of `buffer` is known to hold no line terminator. */
  private scanned = 0;
  /** the previous chunk ended in CR: a LF at the start of the next one belongs to it. */
  private pendingCarriageReturn = false;
  private atStreamStart = true;
  private eventName: string | null = null;
  private dataLines: string[] = [];

  /** Decodes one chunk; returns the events it completed. */
  push(chunk: Uint8Array | string): SseEvent[] {
    const text = typeof chunk === 'string' ? chunk : this.textDecoder.decode(chunk, { stream: true });
    return this.consume(text);
  }

  /** Ends the stream: returns a last event that had no blank line after it, if any. */
  end(): SseEvent[] {
    const events = this.consume(this.textDecoder.decode());
    if (this.buffer.length > 0) {
      this.processLine(this.buffer, events);
      this.buffer = '';
      this.scanned = 0;
    }
    this.dispatch(events);
    return events;
  }

  private consume(text: string): SseEvent[] {
    const events: SseEvent[] = [];
    if (text.length === 0) return events;
    let incoming = text;
    if (this.atStreamStart) {
      if (incoming.charCodeAt(0) === 0xfeff) incoming = incoming.slice(1);
      if (incoming.length > 0) this.atStreamStart = false;
    }
    if (this.pendingCarriageReturn && incoming.startsWith('\n')) incoming = incoming.slice(1);
    this.pendingCarriageReturn = false;
    this.buffer += incoming;

    let lineStart = 0;
    for (let index = this.scanned; index < this.buffer.length; index += 1) {
      const character = this.buffer.charCodeAt(index);
      if (character !== 0x0a && character !== 0x0d) continue;
      this.processLine(this.buffer.slice(lineStart, index), events);
      if (character === 0x0d) {
        if (index + 1 === this.buffer.length) this.pendingCarriageReturn = true;
        else if (this.buffer.charCodeAt(index + 1) === 0x0a) index += 1;
      }
      lineStart = index + 1;
    }
    this.buffer = this.buffer.slice(lineStart);
    this.scanned = this.buffer.length;
    return events;
  }

  private processLine(line: string, events: SseEvent[]): void {
    if (line.length === 0) {
      this.dispatch(events);
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.dataLines.push(value);
    else if (field === 'event') this.eventName = value.length > 0 ? value : null;
  }

  private dispatch(events: SseEvent[]): void {
    if (this.dataLines.length > 0) {
      events.push({ event: this.eventName, data: this.dataLines.join('\n') });
    }
    this.eventName = null;
    this.dataLines = [];
  }
}

/** Decodes a whole event stream at once (recorded fixtures, buffered bodies). */
export function decodeSse(text: string | Uint8Array): SseEvent[] {
  const decoder = new SseDecoder();
  return [...decoder.push(text), ...decoder.end()];
}
