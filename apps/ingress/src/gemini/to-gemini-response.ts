import type {
  ChatCompletion,
  FinishReason,
  GeminiCandidateFields,
  ProviderResponseFields,
  TokenUsage,
} from '@switchyard/contracts';
import type {
  GeminiCandidate,
  GeminiFinishReason,
  GeminiGenerateContentResponse,
  GeminiResponsePart,
  GeminiUsageMetadata,
} from './gemini-response';

/** The canonical finish reason as Google's: tool calls end with STOP, as Gemini's do. */
export function toGeminiFinishReason(reason: FinishReason | null | undefined): GeminiFinishReason {
  switch (reason) {
    case 'length':
      return 'MAX_TOKENS';
    case 'content_filter':
      return 'SAFETY';
    case 'stop':
    case 'tool_calls':
    case 'function_call':
    case null:
    case undefined:
      return 'STOP';
  }
}

/**
 * Canonical usage → `usageMetadata`: `promptTokenCount` includes the cached tokens
 * (`cachedContentTokenCount`, present when non-zero); `thoughtsTokenCount` (present when non-zero)
 * is outside `candidatesTokenCount`; `totalTokenCount` adds prompt, candidates and thoughts.
 */
export function toGeminiUsage(usage: TokenUsage): GeminiUsageMetadata {
  const metadata: GeminiUsageMetadata = {
    promptTokenCount: usage.input.total,
    candidatesTokenCount: usage.output.total - usage.output.reasoning,
    totalTokenCount: usage.input.total + usage.output.total,
  };
  if (usage.input.cacheRead > 0) metadata.cachedContentTokenCount = usage.input.cacheRead;
  if (usage.output.reasoning > 0) metadata.thoughtsTokenCount = usage.output.reasoning;
  return metadata;
}

function parseArguments(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text === '' ? '{}' : text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : { value };
  } catch {
    // a model that wrote broken JSON: the text is kept, under a name the client can read
    return { arguments: text };
  }
}

function signatureOf(call: { extra_content?: unknown }): string | undefined {
  const extra = call.extra_content as { google?: { thought_signature?: unknown } } | undefined;
  const signature = extra?.google?.thought_signature;
  return typeof signature === 'string' ? signature : undefined;
}

/** A tool call, whole or gathered from stream deltas. */
export interface CallLike {
  id?: string;
  function?: { name?: string; arguments?: string };
  extra_content?: unknown;
}

/** A canonical tool call as a `functionCall` part (args an object, the call's id, its signature). */
export function functionCallPart(call: CallLike): GeminiResponsePart {
  const part: GeminiResponsePart = {
    functionCall: {
      name: call.function?.name ?? '',
      args: parseArguments(call.function?.arguments ?? ''),
      ...(call.id ? { id: call.id } : {}),
    },
  };
  const signature = signatureOf(call);
  if (signature) part.thoughtSignature = signature;
  return part;
}

/** The first candidate's native fields from a Gemini deployment, if the answer came from one. */
export function firstCandidateFields(fields: ProviderResponseFields | undefined): GeminiCandidateFields {
  return fields?.gemini?.candidates?.['0'] ?? {};
}

/**
 * A Gemini deployment's native fields written back onto the candidate: its own finish reason
 * (RECITATION, SPII, ... rather than the canonical one's STOP or SAFETY), `safetyRatings`,
 * `citationMetadata`, `groundingMetadata`, and the text's `thoughtSignature` on the last text part.
 * Google's key order: content, finishReason, safetyRatings, citationMetadata, groundingMetadata, index.
 */
export function withNativeFields(
  content: GeminiCandidate['content'],
  finishReason: GeminiFinishReason | undefined,
  native: GeminiCandidateFields,
): GeminiCandidate {
  if (native.thoughtSignature !== undefined) {
    const lastText = content.parts.findLast((part) => part.text !== undefined && !part.thought);
    if (lastText) lastText.thoughtSignature = native.thoughtSignature;
  }
  return {
    content,
    ...(finishReason !== undefined ? { finishReason: native.finishReason ?? finishReason } : {}),
    ...(native.safetyRatings !== undefined ? { safetyRatings: native.safetyRatings } : {}),
    ...(native.citationMetadata !== undefined ? { citationMetadata: native.citationMetadata } : {}),
    ...(native.groundingMetadata !== undefined ? { groundingMetadata: native.groundingMetadata } : {}),
    index: 0,
  };
}

export interface GeminiResponseOptions {
  /** the model name the client asked for, when the upstream reports none. */
  requestedModel: string;
  /** whether reasoning goes back as `thought: true` parts (`thinkingConfig.includeThoughts`). */
  includeThoughts: boolean;
}

/** A completed canonical answer as Google's `GenerateContentResponse`. */
export function toGeminiResponse(
  completion: ChatCompletion,
  usage: TokenUsage,
  options: GeminiResponseOptions,
): GeminiGenerateContentResponse {
  const choice = completion.choices[0];
  const message = choice?.message;
  const parts: GeminiResponsePart[] = [];
  if (options.includeThoughts && message?.reasoning_content) {
    parts.push({ text: message.reasoning_content, thought: true });
  }
  if (typeof message?.content === 'string' && message.content !== '') parts.push({ text: message.content });
  for (const call of message?.tool_calls ?? []) parts.push(functionCallPart(call));
  if (parts.length === 0) parts.push({ text: '' });
  const promptFeedback = completion.provider_fields?.gemini?.promptFeedback;
  return {
    candidates: [
      withNativeFields(
        { parts, role: 'model' },
        toGeminiFinishReason(choice?.finish_reason),
        firstCandidateFields(completion.provider_fields),
      ),
    ],
    ...(promptFeedback !== undefined ? { promptFeedback } : {}),
    usageMetadata: toGeminiUsage(usage),
    modelVersion: completion.model || options.requestedModel,
    responseId: completion.id,
  };
}
