import type { ChatCompletionChunkToolCall } from '@switchyard/contracts';
import { isRecord, type JsonRecord } from '../shared/json';

/**
 * Mistral sends `content` either as a string or as chunks: `{"type":"text","text"}` and, from
 * reasoning models, `{"type":"thinking","thinking":[{"type":"text","text"}]}`. Text chunks become
 * `content`, thinking chunks `reasoning_content`; other chunk types (references) are dropped.
 */
export function flattenMistralContent(message: JsonRecord): JsonRecord {
  if (!Array.isArray(message.content)) return message;
  let text: string | null = null;
  let reasoning: string | null = null;
  for (const chunk of message.content as unknown[]) {
    if (!isRecord(chunk)) continue;
    if (chunk.type === 'text' && typeof chunk.text === 'string') text = (text ?? '') + chunk.text;
    if (chunk.type === 'thinking' && Array.isArray(chunk.thinking)) {
      for (const thought of chunk.thinking as unknown[]) {
        if (isRecord(thought) && typeof thought.text === 'string')
          reasoning = (reasoning ?? '') + thought.text;
      }
    }
  }
  const flattened: JsonRecord = { ...message, content: text };
  if (reasoning !== null) flattened.reasoning_content = reasoning;
  return flattened;
}

/** Completion message: flattened content, tool calls with `type: "function"`. */
export function normalizeMistralMessage(message: JsonRecord): JsonRecord {
  const flattened = flattenMistralContent(message);
  if (!Array.isArray(flattened.tool_calls)) {
    delete flattened.tool_calls;
    return flattened;
  }
  flattened.tool_calls = (flattened.tool_calls as unknown[]).map((call) => {
    if (!isRecord(call)) return call;
    const { index: _index, ...rest } = call;
    return { ...rest, type: 'function' };
  });
  return flattened;
}

/**
 * Stream delta: flattened content (an empty text stays `""`, as OpenAI sends it) and tool calls
 * with an `index` (Mistral sends each call whole, sometimes without one) and `type: "function"`.
 */
export function createMistralDeltaNormalizer(): (delta: JsonRecord) => JsonRecord {
  let nextToolIndex = 0;
  return (delta) => {
    const normalized = Array.isArray(delta.content) ? flattenMistralContent(delta) : { ...delta };
    if (Array.isArray(delta.content) && normalized.content === null) delete normalized.content;
    if (!Array.isArray(normalized.tool_calls)) {
      if (normalized.tool_calls === null) delete normalized.tool_calls;
      return normalized;
    }
    normalized.tool_calls = (normalized.tool_calls as unknown[])
      .filter(isRecord)
      .map((call): ChatCompletionChunkToolCall => {
        const index = typeof call.index === 'number' ? call.index : nextToolIndex;
        nextToolIndex = Math.max(nextToolIndex, index + 1);
        return { ...call, index, type: 'function' };
      });
    return normalized;
  };
}
