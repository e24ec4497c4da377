import { randomUUID } from 'node:crypto';
import type {
  ChatCompletionChunk,
  ChatCompletionChunkChoice,
  ChatCompletionChunkToolCall,
  FinishReason,
  GeminiCandidateFields,
  ProviderResponseFields,
} from '@switchyard/contracts';
import { isRecord, parseEventJson } from '../shared/json';
import type { ChatStreamParser, ChatStreamSummary, SseEvent, UpstreamTarget } from '../shared/spec';
import { toOpenAIUsage } from '../usage/to-openai-usage';
import { convertGeminiUsage } from './convert-gemini-usage';
import {
  type CandidateContent,
  geminiToolCall,
  isEmptyContent,
  parseGenerateContentResponse,
} from './gemini-chat-response';
import { geminiStreamError, promptBlockedError, responseBlockedError } from './gemini-error';
import { accumulateFields, candidateFields, geminiProviderFields } from './gemini-native-fields';
import { GeminiStreamedFunctionCall } from './gemini-streamed-function-call';
import type { GeminiCandidate, GeminiUsageMetadata, PromptFeedback } from './gemini-wire';
import { isFilteredFinishReason, mapGeminiFinishReason } from './map-gemini-finish-reason';

interface CandidateState {
  roleSent: boolean;
  toolCalls: number;
  producedContent: boolean;
  /** a function call whose arguments are still streaming in. */
  openCall: GeminiStreamedFunctionCall | null;
  /** the candidate's native fields so far, sent on its finish chunk. */
  fields: GeminiCandidateFields;
}

type Delta = ChatCompletionChunkChoice['delta'];

/**
 * `streamGenerateContent?alt=sse` events (each a GenerateContentResponse) → OpenAI chunks. Text
 * parts become content deltas, thought parts reasoning deltas, each function call one complete
 * tool-call delta: a whole call at once, a call whose arguments stream in (`willContinue`,
 * `partialArgs` parts without a name) once it closes. The stream is over when every candidate has
 * a finishReason; the usage-only chunk follows (Gemini repeats cumulative usageMetadata on its
 * events: the last one that has counts wins; metadata without counts reports nothing). Each
 * candidate's Google-only fields (see `candidateFields`) ride its finish chunk in
 * `provider_fields.gemini`, with `promptFeedback` on the first candidate's.
 */
export class GeminiChatStreamParser implements ChatStreamParser {
  private finished = false;
  private usage: GeminiUsageMetadata | null = null;
  private usageSent = false;
  private finishReason: FinishReason | null = null;
  private id: string | null = null;
  private model: string;
  private readonly candidates = new Map<number, CandidateState>();
  private promptFeedback: PromptFeedback | undefined;

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
    if (response.usageMetadata && hasCounts(response.usageMetadata)) this.usage = response.usageMetadata;

    if (this.finished) return this.usageChunk();
    const candidates = response.candidates ?? [];
    if (candidates.length === 0 && response.promptFeedback?.blockReason) {
      throw promptBlockedError(this.target.provider, response.promptFeedback);
    }
    if (response.promptFeedback !== undefined) this.promptFeedback = response.promptFeedback;

    const chunks: ChatCompletionChunk[] = [];
    let allFinished = candidates.length > 0;
    candidates.forEach((candidate, position) => {
      const index = candidate.index ?? position;
      const state = this.stateOf(index);
      state.fields = accumulateFields(state.fields, candidateFields(candidate));
      const content = this.streamedContent(candidate, index, state);
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
      const finish = this.chunk([{ index, delta: {}, finish_reason: finishReason }]);
      const providerFields = this.providerFields(index, state);
      if (providerFields) finish.provider_fields = providerFields;
      chunks.push(finish);
    });
    if (allFinished) {
      this.finished = true;
      chunks.push(...this.usageChunk());
    }
    return chunks;
  }

  /** Gemini has no end marker beyond the last candidate's finishReason; nothing is held back. */
  end(): ChatCompletionChunk[] {
    return [];
  }

  /** One event's parts of a candidate: text, reasoning, and the function calls that closed. */
  private streamedContent(
    candidate: GeminiCandidate,
    index: number,
    state: CandidateState,
  ): CandidateContent {
    const content: CandidateContent = { text: null, reasoning: null, toolCalls: [] };
    const close = () => {
      const call = state.openCall;
      if (!call) return;
      state.openCall = null;
      const callIndex = state.toolCalls + content.toolCalls.length;
      content.toolCalls.push(
        geminiToolCall(this.id ?? '', index, callIndex, call.name, call.args, call.thoughtSignature),
      );
    };
    for (const part of candidate.content?.parts ?? []) {
      const functionCall = part.functionCall;
      if (functionCall) {
        if (functionCall.name !== undefined) {
          close();
          state.openCall = new GeminiStreamedFunctionCall(
            functionCall.name,
            functionCall.args,
            part.thoughtSignature,
          );
        }
        for (const piece of functionCall.partialArgs ?? []) state.openCall?.add(piece);
        if (functionCall.willContinue !== true) close();
      } else if (part.text !== undefined) {
        if (part.thought) content.reasoning = (content.reasoning ?? '') + part.text;
        else content.text = (content.text ?? '') + part.text;
      }
    }
    if (candidate.finishReason !== undefined) close();
    return content;
  }

  private stateOf(index: number): CandidateState {
    let state = this.candidates.get(index);
    if (!state) {
      state = { roleSent: false, toolCalls: 0, producedContent: false, openCall: null, fields: {} };
      this.candidates.set(index, state);
    }
    return state;
  }

  /** The candidate's native fields (and, on the first candidate, the prompt's feedback). */
  private providerFields(index: number, state: CandidateState): ProviderResponseFields | undefined {
    return geminiProviderFields(
      new Map([[index, state.fields]]),
      index === 0 ? this.promptFeedback : undefined,
    );
  }

  private deltaOf(state: CandidateState, content: CandidateContent): Delta {
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

function hasCounts(usage: GeminiUsageMetadata): boolean {
  return (
    usage.promptTokenCount !== undefined ||
    usage.candidatesTokenCount !== undefined ||
    usage.totalTokenCount !== undefined
  );
}
