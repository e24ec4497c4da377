import type {
  ChatCompletionChunk,
  ChatCompletionChunkToolCall,
  FinishReason,
  TokenUsage,
} from '@switchyard/contracts';
import type { AnthropicContent, AnthropicContentDelta, AnthropicStreamEvent } from './anthropic-message';
import { anthropicMessageId, fallbackToolUseId } from './anthropic-message-id';
import type { AnthropicReplyOptions } from './to-anthropic-message';
import { toAnthropicStopReason } from './to-anthropic-stop-reason';
import { toAnthropicUsage } from './to-anthropic-usage';

export interface AnthropicStreamOptions extends AnthropicReplyOptions {
  /**
   * Input tokens for `message_start`, sent before the upstream reports any usage (a fast
   * estimate); the exact counts follow in `message_delta`.
   */
  estimatedInputTokens: number;
}

interface OpenBlock {
  kind: 'text' | 'thinking' | 'tool';
  index: number;
}

/**
 * Canonical (OpenAI) chunks → Anthropic stream events, in Anthropic's order: `message_start`;
 * per content block `content_block_start`, its deltas, `content_block_stop` (text, thinking and
 * each tool call are blocks of their own, indexed in order; `ping` after the first start);
 * `message_delta` with the stop reason and the exact usage; `message_stop`.
 *
 * Tool calls are expected in order (all deltas of call 0 before call 1), as OpenAI and every
 * adapter stream them: a block that has stopped cannot take more deltas.
 */
export class AnthropicStreamTranslator {
  private started = false;
  private messageId = '';
  private nextIndex = 0;
  private open: OpenBlock | null = null;
  private pinged = false;
  private hasToolUse = false;
  private finishReason: FinishReason | null = null;
  /** OpenAI tool-call index → the block (and tool-use id) of the call it numbers. */
  private readonly toolBlocks = new Map<number, { index: number; id: string }>();
  private events: AnthropicStreamEvent[] = [];

  constructor(private readonly options: AnthropicStreamOptions) {}

  /** The events one upstream chunk becomes (often one, sometimes none). */
  push(chunk: ChatCompletionChunk): AnthropicStreamEvent[] {
    this.start(chunk);
    const choice = chunk.choices.find((candidate) => candidate.index === 0);
    if (choice) {
      const { delta } = choice;
      const reasoning = delta.reasoning_content;
      if (this.options.includeThinking && typeof reasoning === 'string' && reasoning !== '') {
        this.append('thinking', { type: 'thinking_delta', thinking: reasoning });
      }
      const text = delta.content ?? delta.refusal;
      if (typeof text === 'string' && text !== '') this.append('text', { type: 'text_delta', text });
      for (const call of delta.tool_calls ?? []) this.appendToolCall(call);
      if (choice.finish_reason) this.finishReason = choice.finish_reason;
    }
    return this.drain();
  }

  /** The closing events, with the attempt's exact usage. */
  finish(usage: TokenUsage): AnthropicStreamEvent[] {
    this.start(null);
    this.closeBlock();
    this.ping();
    this.events.push(
      {
        type: 'message_delta',
        delta: {
          stop_reason: toAnthropicStopReason(this.finishReason, this.hasToolUse),
          stop_sequence: null,
        },
        usage: toAnthropicUsage(usage),
      },
      { type: 'message_stop' },
    );
    return this.drain();
  }

  private start(chunk: ChatCompletionChunk | null): void {
    if (this.started) return;
    this.started = true;
    this.messageId = anthropicMessageId(chunk?.id ?? '', this.options.callId);
    this.events.push({
      type: 'message_start',
      message: {
        id: this.messageId,
        type: 'message',
        role: 'assistant',
        model: chunk?.model || this.options.requestedModel,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: this.options.estimatedInputTokens,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
          output_tokens: 0,
        },
      },
    });
  }

  private append(kind: 'text' | 'thinking', delta: AnthropicContentDelta): void {
    if (this.open?.kind !== kind) {
      this.openBlock(
        { kind, index: this.nextIndex },
        kind === 'text' ? { type: 'text', text: '' } : { type: 'thinking', thinking: '', signature: '' },
      );
    }
    this.events.push({ type: 'content_block_delta', index: this.nextIndex - 1, delta });
  }

  private appendToolCall(call: ChatCompletionChunkToolCall): void {
    let block = this.toolBlocks.get(call.index);
    // A new id under an index in use is another call: some providers number every call 0.
    if (!block || (call.id && call.id !== block.id)) {
      const index = this.nextIndex;
      block = { index, id: call.id || fallbackToolUseId(this.messageId, index) };
      this.toolBlocks.set(call.index, block);
      this.hasToolUse = true;
      this.openBlock(
        { kind: 'tool', index },
        { type: 'tool_use', id: block.id, name: call.function?.name ?? '', input: {} },
      );
    }
    const { index } = block;
    const partial = call.function?.arguments;
    if (partial && this.open?.kind === 'tool' && this.open.index === index) {
      this.events.push({
        type: 'content_block_delta',
        index,
        delta: { type: 'input_json_delta', partial_json: partial },
      });
    }
  }

  private openBlock(block: OpenBlock, content: AnthropicContent): void {
    this.closeBlock();
    this.open = block;
    this.nextIndex = block.index + 1;
    this.events.push({ type: 'content_block_start', index: block.index, content_block: content });
    this.ping();
  }

  private closeBlock(): void {
    if (!this.open) return;
    this.events.push({ type: 'content_block_stop', index: this.open.index });
    this.open = null;
  }

  /** Anthropic sends one `ping` after the first block starts (or before the end of an empty reply). */
  private ping(): void {
    if (this.pinged) return;
    this.pinged = true;
    this.events.push({ type: 'ping' });
  }

  private drain(): AnthropicStreamEvent[] {
    const events = this.events;
    this.events = [];
    return events;
  }
}
