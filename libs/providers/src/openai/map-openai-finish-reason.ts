import type { FinishReason } from '@switchyard/contracts';

const CANONICAL: ReadonlySet<string> = new Set([
  'stop',
  'length',
  'tool_calls',
  'content_filter',
  'function_call',
]);

/** Synonyms that OpenAI-compatible servers send in place of OpenAI's values. */
const SYNONYMS: Readonly<Record<string, FinishReason>> = {
  max_tokens: 'length',
  model_length: 'length',
  tool_use: 'tool_calls',
  end_turn: 'stop',
  eos: 'stop',
  stop_sequence: 'stop',
};

/** OpenAI's finish reasons pass through; known synonyms are mapped; anything else is `stop`. */
export function mapOpenAIFinishReason(value: unknown): FinishReason | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value !== 'string') return 'stop';
  if (CANONICAL.has(value)) return value as FinishReason;
  return SYNONYMS[value] ?? 'stop';
}
