import type { ServerResponse } from 'node:http';
import type { GatewayError } from '@switchyard/contracts';
import { geminiErrorBody } from './gemini-error';

/** One event of `streamGenerateContent?alt=sse`: `data: <json>\r\n\r\n`, as Google frames it. */
export function geminiSseFrame(event: unknown): string {
  return `data: ${JSON.stringify(event)}\r\n\r\n`;
}

/**
 * A Gemini stream on a raw response. With `alt=sse`, SSE events; without it, what Google sends
 * then: one JSON array whose elements arrive as they are made (`[{…}` then `,\r\n{…}` … `]`).
 * A failure after the start is one more element: Google's error envelope.
 */
export class GeminiStreamWriter {
  private written = 0;

  constructor(
    private readonly response: ServerResponse,
    private readonly sse: boolean,
  ) {}

  open(headers: Record<string, string>): void {
    this.response.writeHead(200, {
      ...headers,
      'content-type': this.sse ? 'text/event-stream' : 'application/json; charset=UTF-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
  }

  write(events: readonly unknown[]): void {
    if (events.length > 0 && !this.response.writableEnded) this.response.write(this.frames(events));
  }

  end(events: readonly unknown[]): void {
    if (this.response.writableEnded) return;
    const body = this.frames(events);
    this.response.end(this.sse ? body : `${body === '' && this.written === 0 ? '[' : body}]`);
  }

  fail(error: GatewayError): void {
    if (this.response.writableEnded) return;
    const body = this.frames([geminiErrorBody(error)]);
    this.response.end(this.sse ? body : `${body}]`);
  }

  private frames(events: readonly unknown[]): string {
    if (this.sse) return events.map(geminiSseFrame).join('');
    return events.map((event) => `${this.written++ === 0 ? '[' : ',\r\n'}${JSON.stringify(event)}`).join('');
  }
}
