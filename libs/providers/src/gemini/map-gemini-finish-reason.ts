import type { FinishReason } from '@switchyard/contracts';

/** Finish reasons that mean the candidate was stopped by a content filter. */
const FILTERED = new Set([
  'SAFETY',
  'RECITATION',
  'LANGUAGE',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
]);

export function isFilteredFinishReason(finishReason: string | undefined): boolean {
  return finishReason !== undefined && FILTERED.has(finishReason);
}

/** Gemini `finishReason` → OpenAI finish reason (`tool_calls` when the candidate called functions). */
export function mapGeminiFinishReason(
  finishReason: string | undefined,
  calledTools: boolean,
): FinishReason | null {
  if (finishReason === undefined || finishReason === 'FINISH_REASON_UNSPECIFIED') return null;
  if (finishReason === 'MAX_TOKENS') return 'length';
  if (isFilteredFinishReason(finishReason)) return 'content_filter';
  return calledTools ? 'tool_calls' : 'stop';
}
