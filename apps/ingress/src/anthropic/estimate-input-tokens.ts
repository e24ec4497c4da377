import type { ChatCompletionRequest, ContentPart } from '@switchyard/contracts';

const CHARACTERS_PER_TOKEN = 4;

function partCharacters(part: ContentPart): number {
  return part.type === 'text' && typeof part.text === 'string' ? part.text.length : 0;
}

/**
 * A fast estimate of a request's input tokens for `message_start`, which goes out before the
 * upstream reports usage: a quarter of the characters of its text, tool calls and tool
 * definitions (images not counted). It costs one pass over the strings, where a real tokenizer
 * would hold the event loop for tens of milliseconds on a long agent prompt; the exact counts
 * follow in `message_delta`.
 */
export function estimateInputTokens(request: ChatCompletionRequest): number {
  let characters = 0;
  for (const message of request.messages) {
    const { content } = message;
    if (typeof content === 'string') characters += content.length;
    else if (Array.isArray(content)) for (const part of content) characters += partCharacters(part);
    if (message.role === 'assistant') {
      for (const call of message.tool_calls ?? []) {
        characters += call.function.name.length + call.function.arguments.length;
      }
    }
  }
  if (request.tools && request.tools.length > 0) characters += JSON.stringify(request.tools).length;
  return Math.ceil(characters / CHARACTERS_PER_TOKEN);
}
