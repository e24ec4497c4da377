import type {
  ChatCompletionChunk,
  ChatCompletionChunkChoice,
  FinishReason,
  GatewayError,
  TokenUsage,
} from '@switchyard/contracts';
import { isRecord, parseEventJson, type JsonRecord } from '../shared/json';
import { malformedResponse } from '../shared/upstream-error';
import type { ChatStreamParser, ChatStreamSummary, SseEvent } from '../shared/spec';
import { toOpenAIUsage } from '../usage/to-openai-usage';
import { convertOpenAIUsage } from './convert-openai-usage';
import { mapOpenAIFinishReason } from './map-openai-finish-reason';
import { mergeUsage } from './openai-chat-response';
import { withCanonicalReasoning } from './openai-reasoning-fields';

/** What differs between OpenAI-like dialects (OpenAI and custom providers, Mistral). */
export interface OpenAICompatibleDialect {
  provider: string;
  /** an in-stream `{"error": …}` event → the error to throw. */
  errorFrom(body: JsonRecord): GatewayError;
  /** rewrites one choice's delta (Mistral: content chunks, tool-call indexes). */
  normalizeDelta?(delta: JsonRecord): JsonRecord;
  mapFinishReason?(value: unknown): FinishReason | null;
  convertUsage?(usage: unknown): TokenUsage;
}

/**
 * OpenAI chunks pass through (finish reasons normalized, reasoning under another name, e.g.
 * Groq's `reasoning`, renamed `reasoning_content`). Usage is converted to canonical: a
 * usage-only chunk (`choices: []`) is emitted as soon as it arrives; usage reported on a chunk
 * that still has choices (Mistral, Groq, DeepSeek, Moonshot; Perplexity repeats it on every
 * chunk) is split off and emitted as one usage-only chunk at `[DONE]`, or at the end of the body
 * when the stream has no `[DONE]`, so every client sees OpenAI's `include_usage` shape.
 */
export class OpenAIChatStreamParser implements ChatStreamParser {
  private finished = false;
  private usage: TokenUsage | null = null;
  private pendingUsage: ChatCompletionChunk | null = null;
  private finishReason: FinishReason | null = null;
  /** choice indexes seen, and those that reported a finish reason. */
  private readonly choicesSeen = new Set<number>();
  private readonly choicesFinished = new Set<number>();

  constructor(private readonly dialect: OpenAICompatibleDialect) {}

  get done(): boolean {
    return this.finished;
  }

  summary(): ChatStreamSummary {
    return { usage: this.usage, finishReason: this.finishReason };
  }

  end(): ChatCompletionChunk[] {
    if (this.finished) return [];
    // No `[DONE]`: the stream is complete when every choice reported its finish reason.
    const everyChoiceFinished =
      this.choicesSeen.size > 0 && [...this.choicesSeen].every((index) => this.choicesFinished.has(index));
    if (everyChoiceFinished) this.finished = true;
    return this.flushPendingUsage();
  }

  push(event: SseEvent): ChatCompletionChunk[] {
    const data = event.data.trim();
    if (data === '') return [];
    if (data === '[DONE]') {
      if (this.finished) return [];
      this.finished = true;
      return this.flushPendingUsage();
    }
    if (this.finished) return [];
    const body = parseEventJson(data, this.dialect.provider);
    if (!isRecord(body)) throw malformedResponse(this.dialect.provider, 'a stream event is not an object');
    if (body.error !== undefined && body.error !== null) throw this.dialect.errorFrom(body);
    if (event.event === 'error') throw this.dialect.errorFrom({ error: body });
    if (body.choices !== undefined && !Array.isArray(body.choices)) {
      throw malformedResponse(this.dialect.provider, 'a chunk has no choices array');
    }

    const chunk = this.normalizeChunk(body);
    if (!isRecord(body.usage)) return chunk.choices.length > 0 ? [chunk] : [];

    this.usage = (this.dialect.convertUsage ?? ((usage: unknown) => convertOpenAIUsage(usage)))(body.usage);
    const usageChunk: ChatCompletionChunk = {
      ...chunk,
      choices: [],
      usage: mergeUsage(body.usage, toOpenAIUsage(this.usage)),
    };
    if (chunk.choices.length === 0) {
      this.pendingUsage = null;
      return [usageChunk];
    }
    this.pendingUsage = usageChunk;
    const withoutUsage: ChatCompletionChunk = { ...chunk };
    delete withoutUsage.usage;
    return [withoutUsage];
  }

  private flushPendingUsage(): ChatCompletionChunk[] {
    const pending = this.pendingUsage;
    this.pendingUsage = null;
    return pending ? [pending] : [];
  }

  private normalizeChunk(body: JsonRecord): ChatCompletionChunk {
    const mapFinishReason = this.dialect.mapFinishReason ?? mapOpenAIFinishReason;
    const upstreamChoices: unknown[] = Array.isArray(body.choices) ? body.choices : [];
    const choices = upstreamChoices.map((choice: unknown, position): ChatCompletionChunkChoice => {
      if (!isRecord(choice))
        throw malformedResponse(this.dialect.provider, 'a chunk choice is not an object');
      const delta = withCanonicalReasoning(isRecord(choice.delta) ? { ...choice.delta } : {});
      const index = typeof choice.index === 'number' ? choice.index : position;
      const finishReason = mapFinishReason(choice.finish_reason);
      this.choicesSeen.add(index);
      if (finishReason !== null) this.choicesFinished.add(index);
      if (finishReason !== null && index === 0) this.finishReason = finishReason;
      return {
        ...choice,
        index,
        delta: this.dialect.normalizeDelta ? this.dialect.normalizeDelta(delta) : delta,
        finish_reason: finishReason,
      };
    });
    return {
      ...body,
      id: typeof body.id === 'string' ? body.id : '',
      object: 'chat.completion.chunk',
      created: typeof body.created === 'number' ? body.created : 0,
      model: typeof body.model === 'string' ? body.model : '',
      choices,
    };
  }
}
