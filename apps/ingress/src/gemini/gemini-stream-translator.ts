import {
  mergeProviderFields,
  type ChatCompletionChunk,
  type FinishReason,
  type ProviderResponseFields,
  type TokenUsage,
} from '@switchyard/contracts';
import type { GeminiGenerateContentResponse, GeminiResponsePart } from './gemini-response';
import {
  firstCandidateFields,
  functionCallPart,
  toGeminiFinishReason,
  toGeminiUsage,
  type GeminiResponseOptions,
  withNativeFields,
} from './to-gemini-response';

interface PendingCall {
  id?: string;
  function: { name: string; arguments: string };
  extra_content?: unknown;
}

/**
 * Canonical chunks → Gemini stream events (`GenerateContentResponse`s). Text and thoughts go out
 * as they come; a function call goes out whole, as Gemini sends it (its arguments gathered from the
 * deltas), in the last event, which carries `finishReason` and `usageMetadata`, as Google's last
 * event does. A Gemini deployment's native fields (`provider_fields.gemini`) go on that last event
 * too: its own finish reason, `safetyRatings`, `citationMetadata`, `groundingMetadata`,
 * `promptFeedback`, and the text's `thoughtSignature` on the last event's empty text part.
 */
export class GeminiStreamTranslator {
  private readonly calls = new Map<number, PendingCall>();
  private finishReason: FinishReason | null = null;
  private providerFields: ProviderResponseFields | undefined;
  private responseId = '';
  private modelVersion: string;

  constructor(private readonly options: GeminiResponseOptions) {
    this.modelVersion = options.requestedModel;
  }

  push(chunk: ChatCompletionChunk): GeminiGenerateContentResponse[] {
    if (chunk.id) this.responseId = chunk.id;
    if (chunk.model) this.modelVersion = chunk.model;
    this.providerFields = mergeProviderFields(this.providerFields, chunk.provider_fields);
    const events: GeminiGenerateContentResponse[] = [];
    for (const choice of chunk.choices) {
      if (choice.index !== 0) continue;
      const { delta } = choice;
      if (
        this.options.includeThoughts &&
        typeof delta.reasoning_content === 'string' &&
        delta.reasoning_content !== ''
      ) {
        events.push(this.event([{ text: delta.reasoning_content, thought: true }]));
      }
      if (typeof delta.content === 'string' && delta.content !== '')
        events.push(this.event([{ text: delta.content }]));
      for (const call of delta.tool_calls ?? []) this.gather(call);
      if (choice.finish_reason) this.finishReason = choice.finish_reason;
    }
    return events;
  }

  /** The last event: the function calls, if any, with the finish reason and the attempt's usage. */
  finish(usage: TokenUsage): GeminiGenerateContentResponse {
    const parts = [...this.calls.entries()]
      .sort(([left], [right]) => left - right)
      .map(([, call]) => functionCallPart(call));
    const event = this.event(parts.length > 0 ? parts : [{ text: '' }]);
    event.candidates[0] = withNativeFields(
      event.candidates[0].content,
      toGeminiFinishReason(this.finishReason),
      firstCandidateFields(this.providerFields),
    );
    const promptFeedback = this.providerFields?.gemini?.promptFeedback;
    if (promptFeedback !== undefined) event.promptFeedback = promptFeedback;
    event.usageMetadata = toGeminiUsage(usage);
    return withKeyOrder(event);
  }

  private gather(
    call: NonNullable<ChatCompletionChunk['choices'][number]['delta']['tool_calls']>[number],
  ): void {
    let pending = this.calls.get(call.index);
    if (!pending) {
      pending = { function: { name: '', arguments: '' } };
      this.calls.set(call.index, pending);
    }
    if (call.id) pending.id = call.id;
    if (call.function?.name) pending.function.name += call.function.name;
    if (call.function?.arguments) pending.function.arguments += call.function.arguments;
    const extra = (call as { extra_content?: unknown }).extra_content;
    if (extra !== undefined) pending.extra_content = extra;
  }

  private event(parts: GeminiResponsePart[]): GeminiGenerateContentResponse {
    return {
      candidates: [{ content: { parts, role: 'model' }, index: 0 }],
      modelVersion: this.modelVersion,
      responseId: this.responseId,
    };
  }
}

/** Google's key order: `candidates`, `promptFeedback`, `usageMetadata`, `modelVersion`, `responseId`. */
function withKeyOrder(event: GeminiGenerateContentResponse): GeminiGenerateContentResponse {
  return {
    candidates: event.candidates,
    ...(event.promptFeedback !== undefined ? { promptFeedback: event.promptFeedback } : {}),
    usageMetadata: event.usageMetadata,
    modelVersion: event.modelVersion,
    responseId: event.responseId,
  };
}
