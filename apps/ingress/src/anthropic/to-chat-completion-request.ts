import type {
  ChatCompletionRequest,
  ChatMessage,
  ContentPart,
  FunctionTool,
  ToolCall,
  ToolChoice,
} from '@switchyard/contracts';
import type {
  AnthropicAssistantBlock,
  AnthropicDocumentBlock,
  AnthropicImageBlock,
  AnthropicMessageParam,
  AnthropicTextBlock,
  AnthropicThinking,
  AnthropicTokenCountRequest,
  AnthropicTool,
  AnthropicToolChoice,
  AnthropicToolResultBlock,
  AnthropicToolResultContentBlock,
  AnthropicUserBlock,
} from './anthropic-messages-request';

type JsonRecord = Record<string, unknown>;
type Parts = ContentPart[];

/**
 * Thinking budget → `reasoning_effort`: the inverse of the dispatcher's effort → budget table
 * (low 1024, medium 2048, high 4096), capped at `high`, the strongest effort every provider accepts.
 */
function reasoningEffortOf(
  thinking: AnthropicThinking | null | undefined,
  effort: string | null | undefined,
): string | undefined {
  if (!thinking) return undefined;
  switch (thinking.type) {
    case 'enabled':
      if (thinking.budget_tokens < 2048) return 'low';
      return thinking.budget_tokens < 4096 ? 'medium' : 'high';
    case 'adaptive':
      if (effort === 'low' || effort === 'medium') return effort;
      return effort ? 'high' : 'medium';
    case 'disabled':
    case 'between_tools':
      return undefined;
  }
}

/** Whether the client asked for thinking, so reasoning comes back as `thinking` blocks. */
export function wantsThinking(request: Pick<AnthropicTokenCountRequest, 'thinking'>): boolean {
  return request.thinking?.type === 'enabled' || request.thinking?.type === 'adaptive';
}

function withCacheControl<T extends JsonRecord>(part: T, block: { cache_control?: unknown }): T {
  return block.cache_control ? { ...part, cache_control: block.cache_control } : part;
}

function textPart(block: AnthropicTextBlock): ContentPart {
  return withCacheControl({ type: 'text', text: block.text }, block);
}

function imagePart(block: AnthropicImageBlock): ContentPart {
  const url =
    block.source.type === 'base64'
      ? `data:${block.source.media_type};base64,${block.source.data}`
      : block.source.url;
  return withCacheControl({ type: 'image_url', image_url: { url } }, block);
}

/** A base64 PDF → OpenAI `file` part; plain text → a text part; other sources stay native blocks. */
function documentPart(block: AnthropicDocumentBlock): ContentPart {
  const { source } = block;
  if (source.type === 'base64' && typeof source.data === 'string') {
    const file = compact({
      file_data: `data:${source.media_type ?? 'application/pdf'};base64,${source.data}`,
      filename: block.title ?? undefined,
    });
    return withCacheControl({ type: 'file', file }, block);
  }
  if (source.type === 'text' && typeof source.data === 'string') {
    return withCacheControl({ type: 'text', text: source.data }, block);
  }
  return { ...block };
}

function contentPart(block: AnthropicToolResultContentBlock): ContentPart {
  switch (block.type) {
    case 'text':
      return textPart(block);
    case 'image':
      return imagePart(block);
    case 'document':
      return documentPart(block);
  }
}

/** One text part without cache control is sent as a plain string, which every provider accepts. */
function simplified(parts: Parts): string | Parts {
  const [only] = parts;
  if (parts.length === 1 && only.type === 'text' && typeof only.text === 'string' && !only.cache_control) {
    return only.text;
  }
  return parts;
}

function systemContent(system: string | AnthropicTextBlock[]): string | Parts {
  return typeof system === 'string' ? system : simplified(system.map(textPart));
}

function toolResultContent(block: AnthropicToolResultBlock): string | Parts {
  const content = block.content ?? '';
  const converted = typeof content === 'string' ? content : simplified(content.map(contentPart));
  if (block.is_error !== true) return converted;
  // OpenAI tool messages have no error flag: the model reads it from the text.
  if (typeof converted === 'string') return `Error: ${converted}`;
  return [{ type: 'text', text: 'Error:' }, ...converted];
}

function toolMessage(block: AnthropicToolResultBlock): ChatMessage {
  return withCacheControl(
    { role: 'tool', tool_call_id: block.tool_use_id, content: toolResultContent(block) },
    block,
  );
}

/** Tool results answer the previous assistant turn, so they come first, as OpenAI `tool` messages. */
function userMessages(content: string | AnthropicUserBlock[]): ChatMessage[] {
  if (typeof content === 'string') return [{ role: 'user', content }];
  const messages: ChatMessage[] = [];
  const parts: Parts = [];
  for (const block of content) {
    switch (block.type) {
      case 'tool_result':
        messages.push(toolMessage(block));
        break;
      case 'text':
        parts.push(textPart(block));
        break;
      case 'image':
        parts.push(imagePart(block));
        break;
      case 'document':
        parts.push(documentPart(block));
        break;
    }
  }
  if (parts.length > 0) messages.push({ role: 'user', content: simplified(parts) });
  return messages;
}

/**
 * Text blocks → `content` (one string unless a block carries cache control), `tool_use` blocks →
 * `tool_calls` with the input as JSON arguments and the ids kept. Thinking blocks are dropped.
 * Cache control on the last tool call is carried at message level, which the Anthropic adapter
 * puts back on that block.
 */
function assistantMessage(content: string | AnthropicAssistantBlock[]): ChatMessage | null {
  if (typeof content === 'string') return { role: 'assistant', content };
  const texts: AnthropicTextBlock[] = [];
  const toolCalls: ToolCall[] = [];
  let lastCacheControl: unknown = undefined;
  for (const block of content) {
    if (block.type === 'text') {
      texts.push(block);
      lastCacheControl = undefined;
    } else if (block.type === 'tool_use') {
      toolCalls.push({
        id: block.id,
        type: 'function',
        function: { name: block.name, arguments: JSON.stringify(block.input) },
      });
      lastCacheControl = block.cache_control ?? undefined;
    }
  }
  if (texts.length === 0 && toolCalls.length === 0) return null;
  const text = texts.map((block) => block.text).join('');
  let messageContent: string | Parts | null = text;
  if (texts.some((block) => block.cache_control)) messageContent = texts.map(textPart);
  else if (text === '' && toolCalls.length > 0) messageContent = null;
  const message: ChatMessage = { role: 'assistant', content: messageContent };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (lastCacheControl) message.cache_control = lastCacheControl;
  return message;
}

function convertMessages(messages: readonly AnthropicMessageParam[]): ChatMessage[] {
  const converted: ChatMessage[] = [];
  for (const message of messages) {
    switch (message.role) {
      case 'user':
        converted.push(...userMessages(message.content));
        break;
      case 'assistant': {
        const assistant = assistantMessage(message.content);
        if (assistant) converted.push(assistant);
        break;
      }
      case 'system':
        converted.push({ role: 'system', content: systemContent(message.content) });
        break;
    }
  }
  return converted;
}

function convertTool(tool: AnthropicTool): FunctionTool {
  const converted: FunctionTool = {
    type: 'function',
    function: compact({
      name: tool.name,
      description: tool.description,
      parameters: tool.input_schema,
      strict: tool.strict,
    }),
  };
  return withCacheControl(converted, tool);
}

function convertToolChoice(choice: AnthropicToolChoice): ToolChoice {
  switch (choice.type) {
    case 'auto':
      return 'auto';
    case 'any':
      return 'required';
    case 'none':
      return 'none';
    case 'tool':
      return { type: 'function', function: { name: choice.name } };
  }
}

function parallelToolCallsOf(choice: AnthropicToolChoice | null | undefined): boolean | undefined {
  if (!choice || choice.type === 'none') return undefined;
  return choice.disable_parallel_tool_use === true ? false : undefined;
}

function responseFormatOf(request: AnthropicTokenCountRequest): ChatCompletionRequest['response_format'] {
  const format = request.output_config?.format;
  if (format?.type !== 'json_schema' || !format.schema) return undefined;
  return { type: 'json_schema', json_schema: { name: 'response', schema: format.schema } };
}

/**
 * An Anthropic Messages request → the canonical (OpenAI Chat Completions) request. `system` → a
 * leading system message; `tool_use` / `tool_result` blocks → assistant `tool_calls` / `tool`
 * messages with the ids kept; images → `image_url` parts (data URLs for base64); `cache_control`
 * stays on the parts, messages and tools it was on (LiteLLM's convention, which the Anthropic
 * adapter reads); `metadata.user_id` → `user`; `top_k` passes through as an extra parameter;
 * `thinking` → `reasoning_effort`. Streams always ask for the usage chunk.
 */
export function toChatCompletionRequest(request: AnthropicTokenCountRequest): ChatCompletionRequest {
  const messages: ChatMessage[] = [];
  if (request.system !== undefined && request.system !== null && request.system.length > 0) {
    messages.push({ role: 'system', content: systemContent(request.system) });
  }
  messages.push(...convertMessages(request.messages));
  const tools = (request.tools ?? []).map(convertTool);
  const stop = (request.stop_sequences ?? []).filter((sequence) => sequence !== '');
  const stream = request.stream === true;
  return compact({
    model: request.model,
    messages,
    max_tokens: request.max_tokens,
    stream: stream ? true : undefined,
    stream_options: stream ? { include_usage: true } : undefined,
    temperature: request.temperature ?? undefined,
    top_p: request.top_p ?? undefined,
    top_k: request.top_k ?? undefined,
    stop: stop.length > 0 ? stop : undefined,
    tools: tools.length > 0 ? tools : undefined,
    tool_choice: tools.length > 0 && request.tool_choice ? convertToolChoice(request.tool_choice) : undefined,
    parallel_tool_calls: tools.length > 0 ? parallelToolCallsOf(request.tool_choice) : undefined,
    reasoning_effort: reasoningEffortOf(request.thinking, request.output_config?.effort),
    response_format: responseFormatOf(request),
    user: request.metadata?.user_id ?? undefined,
  });
}

/** Drops keys whose value is `undefined`, so bodies and test expectations agree. */
function compact<T extends JsonRecord>(record: T): T {
  for (const key of Object.keys(record)) {
    if (record[key] === undefined) delete record[key];
  }
  return record;
}
