import type { ChatCompletion, ChatCompletionMessage, ToolCall } from '@switchyard/contracts';
import { malformedResponse } from '../shared/upstream-error';
import type { ChatResult, UpstreamTarget } from '../shared/spec';
import { toOpenAIUsage } from '../usage/to-openai-usage';
import { AnthropicMessage } from './anthropic-wire';
import { convertAnthropicUsage } from './convert-anthropic-usage';
import { mapAnthropicFinishReason } from './map-anthropic-finish-reason';

/** A Messages API response → an OpenAI chat completion (text joined, thinking as reasoning_content). */
export function parseAnthropicChatResponse(
  body: unknown,
  target: UpstreamTarget,
  createdSeconds: number,
): ChatResult {
  const parsed = AnthropicMessage.safeParse(body);
  if (!parsed.success) throw malformedResponse(target.provider, 'not a Messages API message');
  const anthropicMessage = parsed.data;

  let text: string | null = null;
  let reasoning: string | null = null;
  const toolCalls: ToolCall[] = [];
  for (const block of anthropicMessage.content) {
    if (block.type === 'text' && block.text !== undefined) text = (text ?? '') + block.text;
    else if (block.type === 'thinking' && block.thinking !== undefined)
      reasoning = (reasoning ?? '') + block.thinking;
    else if (block.type === 'tool_use' && block.id !== undefined && block.name !== undefined) {
      toolCalls.push({
        id: block.id,
        type: 'function',
        function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
      });
    }
  }

  const message: ChatCompletionMessage = { role: 'assistant', content: text };
  if (reasoning !== null) message.reasoning_content = reasoning;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  const finishReason = mapAnthropicFinishReason(anthropicMessage.stop_reason);
  const usage = convertAnthropicUsage(anthropicMessage.usage);
  const response: ChatCompletion = {
    id: anthropicMessage.id,
    object: 'chat.completion',
    created: createdSeconds,
    model: anthropicMessage.model,
    choices: [{ index: 0, message, finish_reason: finishReason }],
    usage: toOpenAIUsage(usage),
  };
  return { response, usage, finishReason };
}
