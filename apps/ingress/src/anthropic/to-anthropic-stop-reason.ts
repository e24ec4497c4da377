import type { FinishReason } from '@switchyard/contracts';
import type { AnthropicStopReason } from './anthropic-message';

/**
 * OpenAI finish reason → Anthropic `stop_reason`. A reply that ends with a tool call is `tool_use`
 * even where the provider said `stop` (some do). OpenAI's `stop` does not tell a stop sequence
 * from the end of the turn, so it is `end_turn`.
 */
export function toAnthropicStopReason(
  finishReason: FinishReason | null | undefined,
  hasToolUse: boolean,
): AnthropicStopReason {
  switch (finishReason) {
    case 'length':
      return 'max_tokens';
    case 'content_filter':
      return 'refusal';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'stop':
    case null:
    case undefined:
      return hasToolUse ? 'tool_use' : 'end_turn';
  }
}
