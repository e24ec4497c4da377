import type { ChatCompletion, TokenUsage } from '@switchyard/contracts';
import type { AnthropicContent, AnthropicMessage } from './anthropic-message';
import { anthropicMessageId, fallbackToolUseId } from './anthropic-message-id';
import { toAnthropicStopReason } from './to-anthropic-stop-reason';
import { toAnthropicUsage } from './to-anthropic-usage';

/** What the translation back needs to know about the call, beyond the completion. */
export interface AnthropicReplyOptions {
  /** the model name the client called; the reply names the upstream model when it has one. */
  requestedModel: string;
  /** the gateway's call id, for ids the upstream did not give. */
  callId: string;
  /** the client enabled thinking: reasoning comes back as a `thinking` block. */
  includeThinking: boolean;
}

/** Tool-call arguments → the `input` object (`{}` when they are empty or not a JSON object). */
export function parseToolInput(argumentsJson: string): Record<string, unknown> {
  if (argumentsJson.trim() === '') return {};
  try {
    const parsed = JSON.parse(argumentsJson) as unknown;
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

/**
 * A canonical (OpenAI) completion → an Anthropic message: reasoning → `thinking` (when asked
 * for), text → one `text` block, each tool call → a `tool_use` block with its arguments parsed.
 * Usage is the attempt's canonical usage, the numbers the usage row records.
 */
export function toAnthropicMessage(
  completion: ChatCompletion,
  usage: TokenUsage,
  options: AnthropicReplyOptions,
): AnthropicMessage {
  const choice = completion.choices[0];
  const message = choice?.message;
  const id = anthropicMessageId(completion.id, options.callId);
  const content: AnthropicContent[] = [];
  const reasoning = message?.reasoning_content;
  if (options.includeThinking && typeof reasoning === 'string' && reasoning !== '') {
    content.push({ type: 'thinking', thinking: reasoning, signature: '' });
  }
  const text = message?.content ?? message?.refusal;
  if (typeof text === 'string' && text !== '') content.push({ type: 'text', text });
  const toolCalls = message?.tool_calls ?? [];
  toolCalls.forEach((call, index) => {
    content.push({
      type: 'tool_use',
      id: call.id || fallbackToolUseId(id, index),
      name: call.function.name,
      input: parseToolInput(call.function.arguments),
    });
  });
  return {
    id,
    type: 'message',
    role: 'assistant',
    model: completion.model || options.requestedModel,
    content,
    stop_reason: toAnthropicStopReason(choice?.finish_reason, toolCalls.length > 0),
    stop_sequence: null,
    usage: toAnthropicUsage(usage),
  };
}
