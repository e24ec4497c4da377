import type { ServerResponse } from 'node:http';

/** A stream event: ours (`ResponseStreamEvent`) or OpenAI's own, passed through. */
export type StreamEvent = { type: string } & Record<string, unknown>;

/** One Responses API SSE frame: `event: <type>\ndata: <json with sequence_number>\n\n`. */
export function responsesSseFrame(event: StreamEvent, sequenceNumber: number): string {
  const { type, sequence_number: _native, ...fields } = event;
  return `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequenceNumber, ...fields })}\n\n`;
}

/**
 * OpenAI's Responses SSE framing on a raw response: every event numbered in order from 0; the
 * stream ends after `response.completed`, `response.incomplete` or `response.failed` (no `[DONE]`).
 */
export class ResponsesSseWriter {
  private sequenceNumber = 0;

  constructor(private readonly response: ServerResponse) {}

  open(headers: Record<string, string>): void {
    this.response.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
  }

  write(events: readonly StreamEvent[]): void {
    if (events.length > 0 && !this.response.writableEnded) this.response.write(this.frames(events));
  }

  end(events: readonly StreamEvent[]): void {
    if (!this.response.writableEnded) this.response.end(this.frames(events));
  }

  private frames(events: readonly StreamEvent[]): string {
    return events.map((event) => responsesSseFrame(event, this.sequenceNumber++)).join('');
  }
}
