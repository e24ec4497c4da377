import { stableId } from '../shared/stable-id';

/**
 * Mistral accepts only tool-call ids of exactly 9 letters and digits. Other ids (OpenAI's
 * `call_…`, Anthropic's `toolu_…`) map to a deterministic 9-character id, so an assistant tool
 * call and the tool message answering it keep matching.
 */
export function mistralToolCallId(id: string): string {
  return /^[a-zA-Z0-9]{9}$/.test(id) ? id : stableId(id, 9);
}
