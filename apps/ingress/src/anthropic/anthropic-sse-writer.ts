import type { ServerResponse } from 'node:http';
import type { GatewayError } from '@switchyard/contracts';
import { anthropicErrorBody } from './anthropic-error';
import type { AnthropicStreamEvent } from './anthropic-message';

/** One Anthropic SSE frame: `event: <type>\ndata: <json>\n\n`. */
export function anthropicSseFrame(event: AnthropicStreamEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** Anthropic's SSE framing on a raw response; an error after the start is an `error` event. */
export class AnthropicSseWriter {
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

  write(events: readonly AnthropicStreamEvent[]): void {
    if (events.length > 0 && !this.response.writableEnded) {
      this.response.write(events.map(anthropicSseFrame).join(''));
    }
  }

  end(events: readonly AnthropicStreamEvent[]): void {
    if (!this.response.writableEnded) this.response.end(events.map(anthropicSseFrame).join(''));
  }

  fail(error: GatewayError): void {
    if (!this.response.writableEnded) this.response.end(anthropicSseFrame(anthropicErrorBody(error)));
  }
}
