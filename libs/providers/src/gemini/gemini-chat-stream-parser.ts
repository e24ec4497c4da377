import { randomUUID } from 'node:crypto';
import type {
  ChatCompletionChunk,
  ChatCompletionChunkChoice,
  ChatCompletionChunkToolCall,
  FinishReason,
} from '@switchyard/contracts';
import { isRecord, parseEventJson } from '../shared/json';
import type { ChatStreamParser, ChatStreamSummary, SseEvent, UpstreamTarget } from '../spec';
import { toOpenAIUsage } from '../usage/to-openai-usage';
import { convertGeminiUsage } from './convert-gemini-usage';
import { candidateContent, isEmptyContent, parseGenerateContentResponse } from './gemini-chat-response';
import { geminiStreamError, promptBlockedError, responseBlockedError } from './gemini-error';
import type { GeminiUsageMetadata } from './gemini-wire';
import { isFilteredFinishReason, mapGeminiFinishReason } from './map-gemini-finish-reason';

interface CandidateState {
  roleSent: boolean;
  toolCalls: number;
  producedContent: boolean;
}

type Delta = ChatCompletionChunkChoice['delta'];

/**
 * `streamGenerateContent?alt=sse` events (each a GenerateContentResponse) → OpenAI chunks. Text
 * parts become content deltas, thought parts reasoning deltas, each function call one complete
 * tool-call delta. The stream is over when every candidate has a finishReason; the usage-only
 * chunk follows (Gemini repeats cumulative usageMetadata on its events: the last one wins).
 */
export class GeminiChatStreamParser implements ChatStreamParser {
  private finished = false;
  private usage: GeminiUsageMetadata | null = null;
  private usageSent = false;
  private finishReason: FinishReason | null = null;
  private id: string | null = null;
  private model: string;
  private readonly candidates = new Map<number, CandidateState>();

  constructor(
    private readonly target: UpstreamTarget,
    private readonly createdSeconds: number,
    private readonly now: () => number,
  ) {
    this.model = target.providerModel;
  }

  get done(): boolean {
    return this.finished;
  }

  summary(): ChatStreamSummary {
    return { usage: this.usage ? convertGeminiUsage(this.usage) : null, finishReason: this.finishReason };
  }

  push(event: SseEvent): ChatCompletionChunk[] {
    if (event.data.trim() === '') return [];
    const body = parseEventJson(event.data, this.target.provider);
    if (isRecord(body) && body.error !== undefined) throw geminiStreamError(body, this.target, this.now());
    const response = parseGenerateContentResponse(body, this.target);
    this.id ??= response.responseId ?? `chatcmpl-${randomUUID()}`;
    if (response.modelVersion) this.model = response.modelVersion;
    if (response.usageMetadata) this.usage = response.usageMetadata;

    if (this.finished) return this.usageChunk();
    const candidates = response.candidates ?? [];
    if (candidates.length === 0 && response.promptFeedback?.blockReason) {
      throw promptBlockedError(this.target.provider, response.promptFeedback);
    }

    const chunks: ChatCompletionChunk[] = [];
    let allFinished = candidates.length > 0;
    candidates.forEach((candidate, position) => {
      const index = candidate.index ?? position;
      const state = this.stateOf(index);
      const content = candidateContent(candidate, this.id ?? '', index, state.toolCalls);
      if (!isEmptyContent(content)) {
        chunks.push(this.chunk([{ index, delta: this.deltaOf(state, content), finish_reason: null }]));
        state.producedContent = true;
        state.toolCalls += content.toolCalls.length;
      }
      if (candidate.finishReason === undefined) {
        allFinished = false;
        return;
      }
      if (!state.producedContent && isFilteredFinishReason(candidate.finishReason)) {
        throw responseBlockedError(this.target.provider, candidate.finishReason, candidate.safetyRatings);
      }
      const finishReason = mapGeminiFinishReason(candidate.finishReason, state.toolCalls > 0) ?? 'stop';
      if (index === 0) this.finishReason = finishReason;
      chunks.push(this.chunk([{ index, delta: {}, finish_reason: finishReason }]));
    });
    if (allFinished) {
      this.finished = true;
      chunks.push(...this.usageChunk());
    }
    return chunks;
  }

  private stateOf(index: number): CandidateState {
    let state = this.candidates.get(index);
    if (!state) {
      state = { roleSent: false, toolCalls: 0, producedContent: false };
      this.candidates.set(index, state);
    }
    return state;
  }

  private deltaOf(state: CandidateState, content: ReturnType<typeof candidateContent>): Delta {
    const delta: Delta = {};
    if (!state.roleSent) {
      delta.role = 'assistant';
      state.roleSent = true;
    }
    if (content.reasoning !== null) delta.reasoning_content = content.reasoning;
    if (content.text !== null) delta.content = content.text;
    if (content.toolCalls.length > 0) {
      delta.tool_calls = content.toolCalls.map((call, offset): ChatCompletionChunkToolCall => ({
        index: state.toolCalls + offset,
        ...call,
      }));
    }
    return delta;
  }

  private usageChunk(): ChatCompletionChunk[] {
    if (this.usageSent || !this.usage) return [];
    this.usageSent = true;
    return [this.chunk([], toOpenAIUsage(convertGeminiUsage(this.usage)))];
  }

  private chunk(
    choices: ChatCompletionChunkChoice[],
    usage?: ChatCompletionChunk['usage'],
  ): ChatCompletionChunk {
    const chunk: ChatCompletionChunk = {
      id: this.id ?? '',
      object: 'chat.completion.chunk',
      created: this.createdSeconds,
      model: this.model,
      choices,
    };
    if (usage) chunk.usage = usage;
    return chunk;
  }
}
