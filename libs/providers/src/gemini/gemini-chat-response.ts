import { randomUUID } from 'node:crypto';
import type {
  ChatCompletion,
  ChatCompletionChoice,
  ChatCompletionMessage,
  GeminiCandidateFields,
  ToolCall,
} from '@switchyard/contracts';
import { emptyTokenUsage } from '@switchyard/contracts';
import { malformedResponse } from '../shared/upstream-error';
import type { ChatResult, UpstreamTarget } from '../shared/spec';
import { toOpenAIUsage } from '../usage/to-openai-usage';
import { convertGeminiUsage } from './convert-gemini-usage';
import { promptBlockedError, responseBlockedError } from './gemini-error';
import { candidateFields, geminiProviderFields } from './gemini-native-fields';
import { geminiToolCallId, withThoughtSignature } from './gemini-tool-call';
import { GenerateContentResponse, type GeminiCandidate } from './gemini-wire';
import { isFilteredFinishReason, mapGeminiFinishReason } from './map-gemini-finish-reason';

export interface CandidateContent {
  text: string | null;
  reasoning: string | null;
  toolCalls: ToolCall[];
}

/**
 * One candidate's parts → text, reasoning (`thought: true` parts) and tool calls. `firstCallIndex`
 * continues the numbering of tool calls across stream events.
 */
export function candidateContent(
  candidate: GeminiCandidate,
  responseId: string,
  candidateIndex: number,
  firstCallIndex = 0,
): CandidateContent {
  const content: CandidateContent = { text: null, reasoning: null, toolCalls: [] };
  for (const part of candidate.content?.parts ?? []) {
    if (part.functionCall) {
      // (a part without a name is a piece of streamed arguments: see the stream parser)
      const name = part.functionCall.name;
      if (name === undefined) continue;
      const callIndex = firstCallIndex + content.toolCalls.length;
      content.toolCalls.push(
        geminiToolCall(
          responseId,
          candidateIndex,
          callIndex,
          name,
          part.functionCall.args ?? {},
          part.thoughtSignature,
        ),
      );
    } else if (part.text !== undefined) {
      if (part.thought) content.reasoning = (content.reasoning ?? '') + part.text;
      else content.text = (content.text ?? '') + part.text;
    }
  }
  return content;
}

/** One complete function call as an OpenAI tool call (a made-up stable id, the thought signature kept). */
export function geminiToolCall(
  responseId: string,
  candidateIndex: number,
  callIndex: number,
  name: string,
  args: unknown,
  thoughtSignature: string | undefined,
): ToolCall {
  const toolCall: ToolCall = {
    id: geminiToolCallId(responseId, candidateIndex, callIndex, name),
    type: 'function',
    function: { name, arguments: JSON.stringify(args) },
  };
  return withThoughtSignature(toolCall, thoughtSignature);
}

export function isEmptyContent(content: CandidateContent): boolean {
  return !content.text && !content.reasoning && content.toolCalls.length === 0;
}

export function parseGenerateContentResponse(body: unknown, target: UpstreamTarget): GenerateContentResponse {
  const parsed = GenerateContentResponse.safeParse(body);
  if (!parsed.success) throw malformedResponse(target.provider, 'not a GenerateContentResponse');
  return parsed.data;
}

/**
 * A generateContent response → an OpenAI chat completion. A prompt blocked by the safety filters
 * (`promptFeedback.blockReason`), or a first candidate stopped by a filter before producing
 * anything, is a 400 `content_filter` error that names the reason. Google-only fields
 * (`safetyRatings`, `citationMetadata`, `groundingMetadata`, the native `finishReason`, a text
 * part's `thoughtSignature`, `promptFeedback`) go in `provider_fields.gemini`.
 */
export function parseGeminiChatResponse(
  body: unknown,
  target: UpstreamTarget,
  createdSeconds: number,
): ChatResult {
  const response = parseGenerateContentResponse(body, target);
  const candidates = response.candidates ?? [];
  if (candidates.length === 0) {
    if (response.promptFeedback?.blockReason)
      throw promptBlockedError(target.provider, response.promptFeedback);
    throw malformedResponse(target.provider, 'no candidates');
  }
  const responseId = response.responseId ?? '';
  const native = new Map<number, GeminiCandidateFields>();
  const choices = candidates.map((candidate, position): ChatCompletionChoice => {
    const index = candidate.index ?? position;
    const content = candidateContent(candidate, responseId, index);
    if (position === 0 && isEmptyContent(content) && isFilteredFinishReason(candidate.finishReason)) {
      throw responseBlockedError(target.provider, candidate.finishReason ?? '', candidate.safetyRatings);
    }
    native.set(index, candidateFields(candidate));
    const message: ChatCompletionMessage = { role: 'assistant', content: content.text };
    if (content.reasoning !== null) message.reasoning_content = content.reasoning;
    if (content.toolCalls.length > 0) message.tool_calls = content.toolCalls;
    return {
      index,
      message,
      finish_reason: mapGeminiFinishReason(candidate.finishReason, content.toolCalls.length > 0) ?? 'stop',
    };
  });
  const usage = response.usageMetadata ? convertGeminiUsage(response.usageMetadata) : emptyTokenUsage();
  const completion: ChatCompletion = {
    id: response.responseId ?? `chatcmpl-${randomUUID()}`,
    object: 'chat.completion',
    created: createdSeconds,
    model: response.modelVersion ?? target.providerModel,
    choices,
    usage: toOpenAIUsage(usage),
  };
  const providerFields = geminiProviderFields(native, response.promptFeedback);
  if (providerFields) completion.provider_fields = providerFields;
  return { response: completion, usage, finishReason: choices[0].finish_reason };
}
