import type { ServerResponse } from 'node:http';
import { withoutProviderFields, type ChatCompletionChunk, type GatewayError } from '@switchyard/contracts';
import { openAIErrorBody } from './openai-error';

/** OpenAI's SSE framing: `data: {json}\n\n` per chunk, `data: [DONE]\n\n` at the end. */
export class OpenAISseWriter {
  constructor(
    private readonly response: ServerResponse,
    /** `stream_options.include_usage`: keep the final usage-only chunk. */
    private readonly includeUsage: boolean,
  ) {}

  open(headers: Record<string, string>): void {
    this.response.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
  }

  /** Writes one chunk; `provider_fields` (a provider's own fields for its own surface) never goes out. */
  chunk(canonical: ChatCompletionChunk): void {
    const chunk = withoutProviderFields(canonical);
    if (!this.includeUsage && chunk.choices.length === 0 && chunk.usage) return;
    if (!this.includeUsage && chunk.usage !== undefined) {
      const { usage: _usage, ...withoutUsage } = chunk;
      this.write(`data: ${JSON.stringify(withoutUsage)}\n\n`);
      return;
    }
    this.write(`data: ${JSON.stringify(chunk)}\n\n`);
  }

  done(): void {
    this.end('data: [DONE]\n\n');
  }

  fail(error: GatewayError): void {
    this.end(`data: ${JSON.stringify(openAIErrorBody(error))}\n\n`);
  }

  private write(text: string): void {
    if (!this.response.writableEnded) this.response.write(text);
  }

  private end(text: string): void {
    if (!this.response.writableEnded) this.response.end(text);
  }
}
