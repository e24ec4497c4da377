import type { ToolCall } from './chat-request';

/** Why generation stopped, as OpenAI reports it (the canonical finish-reason union). */
export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call';

/** OpenAI usage object, with the detail fields Switchyard fills from canonical usage. */
export interface OpenAIUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number; cache_creation_tokens?: number; [key: string]: unknown };
  completion_tokens_details?: { reasoning_tokens?: number; [key: string]: unknown };
  [key: string]: unknown;
}

export interface ChatCompletionMessage {
  role: 'assistant';
  content: string | null;
  tool_calls?: ToolCall[];
  reasoning_content?: string | null;
  refusal?: string | null;
  [key: string]: unknown;
}

export interface ChatCompletionChoice {
  index: number;
  message: ChatCompletionMessage;
  finish_reason: FinishReason | null;
  logprobs?: unknown;
}

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: ChatCompletionChoice[];
  usage?: OpenAIUsage;
  system_fingerprint?: string | null;
  /** provider-only fields for the provider's own surface; never sent to OpenAI clients. */
  provider_fields?: ProviderResponseFields;
  [key: string]: unknown;
}

export interface ChatCompletionChunkToolCall {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

export interface ChatCompletionChunkChoice {
  index: number;
  delta: {
    role?: 'assistant';
    content?: string | null;
    reasoning_content?: string | null;
    tool_calls?: ChatCompletionChunkToolCall[];
    refusal?: string | null;
    [key: string]: unknown;
  };
  finish_reason: FinishReason | null;
  logprobs?: unknown;
}

export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: ChatCompletionChunkChoice[];
  usage?: OpenAIUsage | null;
  system_fingerprint?: string | null;
  /** provider-only fields for the provider's own surface; never sent to OpenAI clients. */
  provider_fields?: ProviderResponseFields;
  [key: string]: unknown;
}

/**
 * One Gemini candidate's native fields, as Google sent them: the finish reason before it was
 * mapped to the canonical one, `safetyRatings`, `citationMetadata`, `groundingMetadata`, and the
 * `thoughtSignature` of its text (the last text part's).
 */
export interface GeminiCandidateFields {
  finishReason?: string;
  safetyRatings?: unknown[];
  citationMetadata?: unknown;
  groundingMetadata?: unknown;
  thoughtSignature?: string;
}

/** Gemini's native response fields: `promptFeedback`, and per candidate (keyed by its index) the rest. */
export interface GeminiResponseFields {
  promptFeedback?: unknown;
  candidates?: Record<string, GeminiCandidateFields>;
}

/**
 * Provider-only response fields the canonical shape has no place for, kept so the provider's own
 * surface can write them back (the response-side twin of `provider_options`). Optional: only the
 * Gemini adapter fills it; the OpenAI surface strips it before answering.
 */
export interface ProviderResponseFields {
  gemini?: GeminiResponseFields;
}

/** A completion or chunk without `provider_fields` (what OpenAI clients get). */
export function withoutProviderFields<T extends { provider_fields?: ProviderResponseFields }>(body: T): T {
  if (body.provider_fields === undefined) return body;
  const { provider_fields: _fields, ...rest } = body;
  return rest as T;
}

/** Two sets of provider fields as one: the later's values win, Gemini candidates merged by index. */
export function mergeProviderFields(
  earlier: ProviderResponseFields | undefined,
  later: ProviderResponseFields | undefined,
): ProviderResponseFields | undefined {
  if (!earlier) return later;
  if (!later) return earlier;
  const merged: ProviderResponseFields = { ...earlier, ...later };
  if (earlier.gemini && later.gemini) {
    const candidates: Record<string, GeminiCandidateFields> = { ...earlier.gemini.candidates };
    for (const [index, fields] of Object.entries(later.gemini.candidates ?? {})) {
      candidates[index] = { ...candidates[index], ...fields };
    }
    merged.gemini = { ...earlier.gemini, ...later.gemini };
    if (Object.keys(candidates).length > 0) merged.gemini.candidates = candidates;
  }
  return merged;
}
