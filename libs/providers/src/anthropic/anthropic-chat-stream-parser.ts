import type { ChatCompletionChunk, ChatCompletionChunkChoice, FinishReason } from '@switchyard/contracts';
import { isRecord, parseEventJson } from '../shared/json';
import { malformedResponse } from '../shared/upstream-error';
import type { ChatStreamParser, ChatStreamSummary, SseEvent, UpstreamTarget } from '../spec';
import { toOpenAIUsage } from '../usage/to-openai-usage';
import { anthropicStreamError } from './anthropic-error';
import {
  ContentBlockDeltaEvent,
  ContentBlockStartEvent,
  MessageDeltaEvent,
  MessageStartEvent,
  type AnthropicUsage,
} from './anthropic-wire';
import { convertAnthropicUsage, mergeAnthropicUsage } from './convert-anthropic-usage';
import { mapAnthropicFinishReason } from './map-anthropic-finish-reason';

type Delta = ChatCompletionChunkChoice['delta'];

/**
 * Anthropic stream events → OpenAI chunks: `text_delta` → content, `thinking_delta` →
 * reasoning_content, `tool_use` blocks → tool calls (one OpenAI index per tool call, id and name
 * on the first delta, `input_json_delta` as argument deltas), `message_delta` → the finish chunk,
 * `message_stop` → the usage-only chunk. `ping` and unknown events are skipped; `error` throws.
 */
export class AnthropicChatStreamParser implements ChatStreamParser {
  private finished = false;
  private id = '';
  private model = '';
  private usage: AnthropicUsage | null = null;
  private finishReason: FinishReason | null = null;
  /** Anthropic content-block index → OpenAI tool-call index. */
  private readonly toolIndexByBlock = new Map<number, number>();

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
      case 'message_stop':
        this.finished = true;
        return this.usage ? [this.chunk([], toOpenAIUsage(convertAnthropicUsage(this.usage)))] : [];
      case 'error':
        throw anthropicStreamError(body, this.target, this.now());
      default:
        // ping, content_block_stop, and event types added after this adapter was written.
        return [];
    }
  }

  private onMessageStart(body: unknown): ChatCompletionChunk[] {
    const event = this.parse(MessageStartEvent, body, 'message_start');
    this.id = event.message.id;
    this.model = event.message.model;
    this.usage = event.message.usage ?? {};
    return [this.deltaChunk({ role: 'assistant', content: '' })];
  }

  private onContentBlockStart(body: unknown): ChatCompletionChunk[] {
    const event = this.parse(ContentBlockStartEvent, body, 'content_block_start');
    const block = event.content_block;
    if (block.type === 'tool_use' && block.id !== undefined && block.name !== undefined) {
      const toolIndex = this.toolIndexByBlock.size;
      this.toolIndexByBlock.set(event.index, toolIndex);
      return [
        this.deltaChunk({
          tool_calls: [
            {
              index: toolIndex,
              id: block.id,
              type: 'function',
              function: { name: block.name, arguments: '' },
            },
          ],
        }),
      ];
    }
    if (block.type === 'text' && block.text) return [this.deltaChunk({ content: block.text })];
    if (block.type === 'thinking' && block.thinking)
      return [this.deltaChunk({ reasoning_content: block.thinking })];
    return [];
  }

  private onContentBlockDelta(body: unknown): ChatCompletionChunk[] {
    const event = this.parse(ContentBlockDeltaEvent, body, 'content_block_delta');
    const delta = event.delta;
    if (delta.type === 'text_delta' && delta.text) return [this.deltaChunk({ content: delta.text })];
    if (delta.type === 'thinking_delta' && delta.thinking)
      return [this.deltaChunk({ reasoning_content: delta.thinking })];
    if (delta.type === 'input_json_delta' && delta.partial_json) {
      // Deltas of blocks that are not client tool calls (server tools) have no tool index: skipped.
      const toolIndex = this.toolIndexByBlock.get(event.index);
      if (toolIndex === undefined) return [];
      return [
        this.deltaChunk({ tool_calls: [{ index: toolIndex, function: { arguments: delta.partial_json } }] }),
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
    return [this.chunk([{ index: 0, delta: {}, finish_reason: finishReason }])];
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
