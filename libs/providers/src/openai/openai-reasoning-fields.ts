import type { JsonRecord } from '../shared/json';

/**
 * Names OpenAI-compatible vendors give the reasoning text instead of DeepSeek's
 * `reasoning_content` (the gateway's canonical field): Groq, OpenRouter and vLLM send `reasoning`.
 */
const REASONING_ALIASES = ['reasoning'] as const;

/** A delta or message with its reasoning text under `reasoning_content` (the alias removed). */
export function withCanonicalReasoning(record: JsonRecord): JsonRecord {
  for (const alias of REASONING_ALIASES) {
    const text = record[alias];
    if (typeof text !== 'string') continue;
    const renamed: JsonRecord = { ...record };
    delete renamed[alias];
    if (typeof renamed.reasoning_content !== 'string' || renamed.reasoning_content === '') {
      renamed.reasoning_content = text;
    }
    return renamed;
  }
  return record;
}
