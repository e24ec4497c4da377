import type { ChatCompletionChunk, ChatCompletionChunkChoice, FinishReason } from '@switchyard/contracts';
import { isRecord, parseEventJson } from '../shared/json';
import { malformedResponse } from '../shared/upstream-error';
import type { ChatStreamParser, ChatStreamSummary, SseEvent, UpstreamTarget } from '../shared/spec';
import { toOpenAIUsage } from '../usage/to-openai-usage';
import { anthropicStreamError } from './anthropic-error';
import {
  ContentBlockDeltaEvent,
  ContentBlockStartEvent,
  MessageDeltaEvent,
  MessageStartEvent,
  type AnthropicContentBlock,
  type AnthropicUsage,
} from './anthropic-wire';
import { convertAnthropicUsage, mergeAnthropicUsage } from './convert-anthropic-usage';
import { mapAnthropicFinishReason } from './map-anthropic-finish-reason';

type Delta = ChatCompletionChunkChoice['delta'];

interface OpenToolCall {
  /** the OpenAI tool-call index. */
  index: number;
  /** the `input` the block started with. */
  input: unknown;
  /** whether any `input_json_delta` text was sent as arguments. */
  argumentsSent: boolean;
}

/**
 * Anthropic stream events → OpenAI chunks: `text_delta` → content, `thinking_delta` →
 * reasoning_content, `tool_use` blocks → tool calls (one OpenAI index per tool call, id and name
 * on the first delta, `input_json_delta` as argument deltas; a block whose deltas carried no text
 * gets its starting `input` as arguments at `content_block_stop`, so a no-parameter call is
 * `"{}"`), `message_delta` → the finish chunk, `message_stop` → the usage-only chunk. Server tool
 * blocks (server_tool_use, mcp_tool_use and their results) are passed over. A second
 * `message_start` while a message is open is a stream error (two responses spliced into one),
 * unless it repeats the open message's before any block. `ping` and unknown events are skipped;
 * `error` throws.
 */
export class AnthropicChatStreamParser implements ChatStreamParser {
  private finished = false;
  private started = false;
  private blocksStarted = false;
  private id = '';
  private model = '';
  private usage: AnthropicUsage | null = null;
  private finishReason: FinishReason | null = null;
  private finishSent = false;
  private toolCalls = 0;
  /** Anthropic content-block index → the client tool call it streams. */
  private readonly toolByBlock = new Map<number, OpenToolCall>();

  constructor(
    private readonly target: UpstreamTarget,
    private readonly createdSeconds: number,
    private readonly now: () => number,
  ) {}

  get done(): boolean {
    return this.finished;
  }

  summary(): ChatStreamSummary {
    return { usage: this.usage ? convertAnthropicUsage(this.usage) : null, finishReason: this.finishReason };
  }

  /** `message_stop` ends an Anthropic stream; nothing is held back for the end of the body. */
  end(): ChatCompletionChunk[] {
    return [];
  }

  push(event: SseEvent): ChatCompletionChunk[] {
    if (this.finished || event.data.trim() === '') return [];
    const body = parseEventJson(event.data, this.target.provider);
    const type = isRecord(body) && typeof body.type === 'string' ? body.type : (event.event ?? '');
    switch (type) {
      case 'message_start':
        return this.onMessageStart(body);
      case 'content_block_start':
        return this.onContentBlockStart(body);
      case 'content_block_delta':
        return this.onContentBlockDelta(body);
      case 'message_delta':
        return this.onMessageDelta(body);
      case 'content_block_stop':
        return this.onContentBlockStop(body);
      case 'message_stop':
        return this.onMessageStop();
      case 'error':
        throw anthropicStreamError(body, this.target, this.now());
      default:
        // ping, and event types added after this adapter was written.
        return [];
    }
  }

  private onMessageStart(body: unknown): ChatCompletionChunk[] {
    const event = this.parse(MessageStartEvent, body, 'message_start');
    if (this.started) {
      // The same message announced twice before any content: harmless, ignored.
      if (event.message.id === this.id && !this.blocksStarted) return [];
      throw malformedResponse(
        this.target.provider,
        'a second message_start arrived while a message was still open (two streams spliced into one)',
      );
    }
    this.started = true;
    this.id = event.message.id;
    this.model = event.message.model;
    this.usage = event.message.usage ?? {};
    const chunks = [this.deltaChunk({ role: 'assistant', content: '' })];
    // A message produced whole (a programmatic tool call) carries its blocks and stop reason here.
    for (const block of event.message.content ?? []) chunks.push(...this.completeBlock(block));
    const finishReason = mapAnthropicFinishReason(event.message.stop_reason);
    if (finishReason !== null) this.finishReason = finishReason;
    return chunks;
  }

  private onContentBlockStart(body: unknown): ChatCompletionChunk[] {
    const event = this.parse(ContentBlockStartEvent, body, 'content_block_start');
    this.blocksStarted = true;
    const block = event.content_block;
    if (block.type === 'tool_use' && block.id !== undefined && block.name !== undefined) {
      const index = this.toolCalls++;
      this.toolByBlock.set(event.index, { index, input: block.input, argumentsSent: false });
      return [this.toolCallChunk(index, block.id, block.name, '')];
    }
    return this.completeBlock(block);
  }

  /** A block that arrived whole (in message_start, or text/thinking in content_block_start). */
  private completeBlock(block: AnthropicContentBlock): ChatCompletionChunk[] {
    if (block.type === 'tool_use' && block.id !== undefined && block.name !== undefined) {
      return [this.toolCallChunk(this.toolCalls++, block.id, block.name, JSON.stringify(block.input ?? {}))];
    }
    if (block.type === 'text' && block.text) return [this.deltaChunk({ content: block.text })];
    if (block.type === 'thinking' && block.thinking)
      return [this.deltaChunk({ reasoning_content: block.thinking })];
    return [];
  }

  /** A tool_use block ended: when no delta carried its arguments, they are the input it started with. */
  private onContentBlockStop(body: unknown): ChatCompletionChunk[] {
    const index = isRecord(body) && typeof body.index === 'number' ? body.index : -1;
    const tool = this.toolByBlock.get(index);
    this.toolByBlock.delete(index);
    return tool ? this.unsentArguments(tool) : [];
  }

  private unsentArguments(tool: OpenToolCall): ChatCompletionChunk[] {
    if (tool.argumentsSent) return [];
    tool.argumentsSent = true;
    const input = JSON.stringify(tool.input ?? {});
    return [this.deltaChunk({ tool_calls: [{ index: tool.index, function: { arguments: input } }] })];
  }

  private onMessageStop(): ChatCompletionChunk[] {
    this.finished = true;
    const chunks: ChatCompletionChunk[] = [];
    // blocks the stream never closed
    for (const tool of this.toolByBlock.values()) chunks.push(...this.unsentArguments(tool));
    this.toolByBlock.clear();
    if (!this.finishSent && this.finishReason !== null) {
      this.finishSent = true;
      chunks.push(this.chunk([{ index: 0, delta: {}, finish_reason: this.finishReason }]));
    }
    if (this.usage) chunks.push(this.chunk([], toOpenAIUsage(convertAnthropicUsage(this.usage))));
    return chunks;
  }

  private toolCallChunk(index: number, id: string, name: string, argumentsText: string): ChatCompletionChunk {
    return this.deltaChunk({
      tool_calls: [{ index, id, type: 'function', function: { name, arguments: argumentsText } }],
    });
  }

  private onContentBlockDelta(body: unknown): ChatCompletionChunk[] {
    const event = this.parse(ContentBlockDeltaEvent, body, 'content_block_delta');
    const delta = event.delta;
    if (delta.type === 'text_delta' && delta.text) return [this.deltaChunk({ content: delta.text })];
    if (delta.type === 'thinking_delta' && delta.thinking)
      return [this.deltaChunk({ reasoning_content: delta.thinking })];
    if (delta.type === 'input_json_delta' && delta.partial_json) {
      // Deltas of blocks that are not client tool calls (server tools) have no tool call: skipped.
      const tool = this.toolByBlock.get(event.index);
      if (tool === undefined) return [];
      tool.argumentsSent = true;
      return [
        this.deltaChunk({ tool_calls: [{ index: tool.index, function: { arguments: delta.partial_json } }] }),
      ];
    }
    // signature_delta, citations_delta, empty deltas.
    return [];
  }

  private onMessageDelta(body: unknown): ChatCompletionChunk[] {
    const event = this.parse(MessageDeltaEvent, body, 'message_delta');
    if (event.usage) this.usage = mergeAnthropicUsage(this.usage ?? {}, event.usage);
    const finishReason = mapAnthropicFinishReason(event.delta.stop_reason);
    if (finishReason === null) return [];
    this.finishReason = finishReason;
    // tool calls whose blocks are still open get their arguments before the finish chunk
    const chunks: ChatCompletionChunk[] = [];
    for (const tool of this.toolByBlock.values()) chunks.push(...this.unsentArguments(tool));
    this.finishSent = true;
    chunks.push(this.chunk([{ index: 0, delta: {}, finish_reason: finishReason }]));
    return chunks;
  }

  private parse<T>(
    schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } },
    body: unknown,
    name: string,
  ): T {
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw malformedResponse(this.target.provider, `malformed ${name} event`);
    return parsed.data;
  }

  private deltaChunk(delta: Delta): ChatCompletionChunk {
    return this.chunk([{ index: 0, delta, finish_reason: null }]);
  }

  private chunk(
    choices: ChatCompletionChunkChoice[],
    usage?: ChatCompletionChunk['usage'],
  ): ChatCompletionChunk {
    const chunk: ChatCompletionChunk = {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.createdSeconds,
      model: this.model,
      choices,
    };
    if (usage) chunk.usage = usage;
    return chunk;
  }
}
