import type { ChatCompletionRequest, ChatMessage, ContentPart, MessageContent } from '@switchyard/contracts';
import { jsonPost } from '../shared/http-request';
import { compact, isRecord, type JsonRecord } from '../shared/json';
import {
  imageUrlOf,
  maxOutputTokensOf,
  parseDataUrl,
  parseToolArguments,
  stopSequencesOf,
  withDefaults,
} from '../shared/request-parameters';
import { stableId } from '../shared/stable-id';
import { unsupportedRequest } from '../shared/upstream-error';
import type { UpstreamHttpRequest, UpstreamTarget } from '../shared/spec';

export const ANTHROPIC_VERSION = '2023-06-01';
/** `max_tokens` is required by Anthropic; used when neither the request nor the deployment sets one. */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;

/** `reasoning_effort` → extended-thinking budget (LiteLLM's defaults; 1024 is Anthropic's minimum). */
const THINKING_BUDGET_BY_EFFORT: Readonly<Record<string, number>> = {
  minimal: 1024,
  low: 1024,
  medium: 2048,
  high: 4096,
  xhigh: 8192,
};

export interface AnthropicBlock {
  type: string;
  [key: string]: unknown;
}

export interface AnthropicMessageParam {
  role: 'user' | 'assistant';
  content: AnthropicBlock[];
}

/** Anthropic tool ids must match `^[a-zA-Z0-9_-]+$`; others map to a stable id (same input, same id). */
export function anthropicToolId(id: string): string {
  return /^[a-zA-Z0-9_-]+$/.test(id) ? id : `toolu_${stableId(id, 24)}`;
}

function withCacheControl(block: AnthropicBlock, source: JsonRecord): AnthropicBlock {
  return isRecord(source.cache_control) ? { ...block, cache_control: source.cache_control } : block;
}

/** A message-level `cache_control` marks the last block of that message (LiteLLM's convention). */
function withMessageCacheControl(blocks: AnthropicBlock[], message: JsonRecord): AnthropicBlock[] {
  if (blocks.length === 0 || !isRecord(message.cache_control)) return blocks;
  const last = blocks.length - 1;
  return blocks.map((block, index) =>
    index === last ? { ...block, cache_control: message.cache_control } : block,
  );
}

function imageBlock(url: string, provider: string): AnthropicBlock {
  const dataUrl = parseDataUrl(url);
  if (dataUrl)
    return { type: 'image', source: { type: 'base64', media_type: dataUrl.mediaType, data: dataUrl.data } };
  if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } };
  throw unsupportedRequest(provider, 'image_url must be an http(s) URL or a base64 data URL', 'messages');
}

function fileBlock(part: ContentPart, provider: string): AnthropicBlock {
  const file = isRecord(part.file) ? part.file : {};
  const dataUrl = typeof file.file_data === 'string' ? parseDataUrl(file.file_data) : null;
  if (dataUrl?.mediaType === 'application/pdf') {
    return {
      type: 'document',
      source: { type: 'base64', media_type: dataUrl.mediaType, data: dataUrl.data },
    };
  }
  throw unsupportedRequest(provider, 'only PDF files sent as base64 data URLs are supported', 'messages');
}

function contentBlocks(content: MessageContent | null | undefined, provider: string): AnthropicBlock[] {
  if (content === null || content === undefined) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  const blocks: AnthropicBlock[] = [];
  for (const part of content) {
    if (part.type === 'text') {
      if (typeof part.text === 'string' && part.text !== '') {
        blocks.push(withCacheControl({ type: 'text', text: part.text }, part));
      }
    } else if (part.type === 'image_url') {
      const image = imageUrlOf(part);
      if (!image) throw unsupportedRequest(provider, 'an image_url part has no url', 'messages');
      blocks.push(withCacheControl(imageBlock(image.url, provider), part));
    } else if (part.type === 'file') {
      blocks.push(withCacheControl(fileBlock(part, provider), part));
    } else if (part.type === 'input_audio') {
      throw unsupportedRequest(provider, 'audio input is not supported', 'messages');
    } else {
      // Native Anthropic blocks (document, search_result, …) sent by the Anthropic surface.
      blocks.push({ ...part });
    }
  }
  return blocks;
}

function assistantBlocks(
  message: Extract<ChatMessage, { role: 'assistant' }>,
  provider: string,
): AnthropicBlock[] {
  const blocks = contentBlocks(message.content, provider).filter((block) => block.type === 'text');
  for (const call of message.tool_calls ?? []) {
    blocks.push({
      type: 'tool_use',
      id: anthropicToolId(call.id),
      name: call.function.name,
      input: parseToolArguments(call.function.arguments),
    });
  }
  return blocks;
}

function toolResultBlock(message: Extract<ChatMessage, { role: 'tool' }>, provider: string): AnthropicBlock {
  const content =
    typeof message.content === 'string' ? message.content : contentBlocks(message.content, provider);
  const empty = content.length === 0;
  return compact({
    type: 'tool_result',
    tool_use_id: anthropicToolId(message.tool_call_id),
    content: empty ? undefined : content,
  });
}

function append(
  messages: AnthropicMessageParam[],
  role: AnthropicMessageParam['role'],
  blocks: AnthropicBlock[],
): void {
  if (blocks.length === 0) return;
  const last = messages.at(-1);
  if (last?.role === role) last.content.push(...blocks);
  else messages.push({ role, content: blocks });
}

/** System/developer messages → `system`; the rest → alternating user/assistant turns. */
export function convertAnthropicMessages(
  messages: readonly ChatMessage[],
  provider: string,
): { system: AnthropicBlock[]; messages: AnthropicMessageParam[] } {
  const system: AnthropicBlock[] = [];
  const converted: AnthropicMessageParam[] = [];
  messages.forEach((message, position) => {
    switch (message.role) {
      case 'system':
      case 'developer':
        system.push(
          ...withMessageCacheControl(
            contentBlocks(message.content, provider).filter((block) => block.type === 'text'),
            message,
          ),
        );
        break;
      case 'user':
        append(converted, 'user', withMessageCacheControl(contentBlocks(message.content, provider), message));
        break;
      case 'assistant':
        append(converted, 'assistant', withMessageCacheControl(assistantBlocks(message, provider), message));
        break;
      case 'tool':
        append(converted, 'user', withMessageCacheControl([toolResultBlock(message, provider)], message));
        break;
      case 'function':
        throw unsupportedRequest(
          provider,
          'messages with role "function" are not supported; send tool messages',
          `messages[${position}]`,
        );
    }
  });
  // Tool results must open the user turn that answers the tool calls.
  for (const message of converted) {
    if (message.role !== 'user') continue;
    message.content = [
      ...message.content.filter((block) => block.type === 'tool_result'),
      ...message.content.filter((block) => block.type !== 'tool_result'),
    ];
  }
  return { system, messages: converted };
}

function convertTools(request: ChatCompletionRequest): JsonRecord[] {
  return (request.tools ?? []).map((tool) => {
    const parameters = tool.function.parameters ?? { type: 'object', properties: {} };
    return compact({
      name: tool.function.name,
      description: tool.function.description,
      input_schema: { type: 'object', ...parameters },
      strict: tool.function.strict === true ? true : undefined,
      cache_control: isRecord(tool.cache_control) ? tool.cache_control : undefined,
    });
  });
}

/** Anthropic rejects tool_use/tool_result blocks when no tools are defined: declare the ones the history used. */
function toolsFromHistory(messages: readonly ChatMessage[]): JsonRecord[] {
  const names = new Set<string>();
  for (const message of messages) {
    if (message.role === 'assistant')
      for (const call of message.tool_calls ?? []) names.add(call.function.name);
  }
  return [...names].map((name) => ({ name, input_schema: { type: 'object' } }));
}

function convertToolChoice(request: ChatCompletionRequest): JsonRecord | undefined {
  const choice = request.tool_choice;
  let mapped: JsonRecord | undefined;
  if (choice === 'auto') mapped = { type: 'auto' };
  else if (choice === 'none') mapped = { type: 'none' };
  else if (choice === 'required') mapped = { type: 'any' };
  else if (choice) mapped = { type: 'tool', name: choice.function.name };
  if (request.parallel_tool_calls === false && mapped?.type !== 'none') {
    mapped = { ...(mapped ?? { type: 'auto' }), disable_parallel_tool_use: true };
  }
  return mapped;
}

/**
 * `reasoning_effort` → extended thinking, only where Anthropic accepts it: a budget below
 * `max_tokens`, no forced tool, default sampling, and not in the middle of a tool loop (the
 * earlier assistant turn would need its signed thinking block, which OpenAI messages cannot carry).
 */
function thinkingOf(
  request: ChatCompletionRequest,
  maxTokens: number,
  toolChoice: JsonRecord | undefined,
): JsonRecord | undefined {
  const budget = request.reasoning_effort ? THINKING_BUDGET_BY_EFFORT[request.reasoning_effort] : undefined;
  if (budget === undefined || budget >= maxTokens) return undefined;
  if (toolChoice?.type === 'any' || toolChoice?.type === 'tool') return undefined;
  if (request.temperature !== undefined && request.temperature !== null && request.temperature !== 1)
    return undefined;
  if (request.top_p !== undefined && request.top_p !== null && request.top_p < 0.95) return undefined;
  if (request.top_k !== undefined && request.top_k !== null) return undefined;
  if (request.messages.at(-1)?.role === 'tool') return undefined;
  return { type: 'enabled', budget_tokens: budget };
}

function outputConfigOf(request: ChatCompletionRequest): JsonRecord | undefined {
  const format = request.response_format;
  if (
    format?.type !== 'json_schema' ||
    !isRecord(format.json_schema) ||
    !isRecord(format.json_schema.schema)
  ) {
    return undefined;
  }
  return { format: { type: 'json_schema', schema: format.json_schema.schema } };
}

/** The Messages API body for a canonical (OpenAI) chat request. */
export function buildAnthropicChatBody(
  original: ChatCompletionRequest,
  target: UpstreamTarget,
  stream: boolean,
): JsonRecord {
  const request = withDefaults(original, target.defaults);
  if (request.n !== undefined && request.n !== null && request.n > 1) {
    throw unsupportedRequest(target.provider, 'n > 1 is not supported', 'n');
  }
  const { system, messages } = convertAnthropicMessages(request.messages, target.provider);
  const declaredTools = convertTools(request);
  const historyTools = declaredTools.length === 0 ? toolsFromHistory(request.messages) : [];
  const tools = declaredTools.length > 0 ? declaredTools : historyTools;
  let toolChoice = tools.length > 0 ? convertToolChoice(request) : undefined;
  if (historyTools.length > 0 && toolChoice === undefined) toolChoice = { type: 'none' };
  const maxTokens = maxOutputTokensOf(request) ?? ANTHROPIC_DEFAULT_MAX_TOKENS;
  const thinking = thinkingOf(request, maxTokens, toolChoice);
  const stopSequences = stopSequencesOf(request.stop).filter((sequence) => sequence.trim() !== '');
  const temperature = typeof request.temperature === 'number' ? Math.min(request.temperature, 1) : undefined;
  return compact({
    model: target.providerModel,
    max_tokens: maxTokens,
    system: system.length > 0 ? system : undefined,
    messages,
    tools: tools.length > 0 ? tools : undefined,
    tool_choice: toolChoice,
    stop_sequences: stopSequences.length > 0 ? stopSequences : undefined,
    temperature: thinking ? undefined : temperature,
    top_p: request.top_p ?? undefined,
    top_k: typeof request.top_k === 'number' ? request.top_k : undefined,
    metadata: request.user ? { user_id: request.user } : undefined,
    thinking,
    output_config: outputConfigOf(request),
    stream: stream ? true : undefined,
  });
}

/** `{apiBase}/v1/messages` (an api_base that already ends in `/v1` is accepted too). */
export function anthropicUrl(apiBase: string, path: string): string {
  return /\/v1$/.test(apiBase) ? `${apiBase}/${path}` : `${apiBase}/v1/${path}`;
}

export function buildAnthropicChatRequest(
  request: ChatCompletionRequest,
  target: UpstreamTarget,
  stream: boolean,
): UpstreamHttpRequest {
  return jsonPost(
    anthropicUrl(target.apiBase, 'messages'),
    { 'x-api-key': target.apiKey, 'anthropic-version': ANTHROPIC_VERSION },
    buildAnthropicChatBody(request, target, stream),
  );
}
