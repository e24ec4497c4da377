import type { ChatInput, LastTurn, MockTool, MockToolChoice } from '../shared/chat-input';
import {
  isRecord,
  readArray,
  readNumber,
  readRecord,
  readString,
  serializedLength,
  type JsonRecord,
} from '../shared/json-value';
import { MockHttpError } from '../shared/mock-http-error';
import { extractDirective } from '../shared/reply-text';
import { reasoningTokensForEffort } from '../shared/token-estimate';

function invalid(message: string): MockHttpError {
  return new MockHttpError(400, message);
}

interface ContentSummary {
  /** text of text blocks (and tool results), for the reply. */
  text: string;
  /** characters counted as prompt. */
  characters: number;
  /** the content holds a tool_result block. */
  toolResult: boolean;
  cacheControl: boolean;
}

/** Summarises Anthropic content: a string, or blocks (text, tool_use, tool_result, thinking, media). */
function summarizeContent(content: unknown): ContentSummary {
  if (typeof content === 'string')
    return { text: content, characters: content.length, toolResult: false, cacheControl: false };
  const summary: ContentSummary = { text: '', characters: 0, toolResult: false, cacheControl: false };
  if (!Array.isArray(content)) return summary;
  for (const block of content) {
    if (!isRecord(block)) continue;
    if (block.cache_control !== undefined) summary.cacheControl = true;
    switch (block.type) {
      case 'text':
        if (typeof block.text === 'string') {
          summary.text += block.text;
          summary.characters += block.text.length;
        }
        break;
      case 'tool_use':
        summary.characters += serializedLength(block.name) + serializedLength(block.input);
        break;
      case 'tool_result': {
        summary.toolResult = true;
        const inner = summarizeContent(block.content);
        summary.text += inner.text;
        summary.characters += inner.characters;
        if (inner.cacheControl) summary.cacheControl = true;
        break;
      }
      case 'thinking':
        summary.characters += serializedLength(block.thinking);
        break;
      default:
        break;
    }
  }
  return summary;
}

/**
 * Normalises an Anthropic Messages request. `requireMaxTokens` is false for `count_tokens`.
 * Errors use Anthropic's wording (`max_tokens: Field required`).
 */
export function parseAnthropicMessagesRequest(
  body: unknown,
  options: { requireMaxTokens: boolean },
): ChatInput {
  if (!isRecord(body)) throw invalid('The request body is not valid JSON.');
  const model = readString(body, 'model');
  if (model === undefined) throw invalid('model: Field required');
  const messages = body.messages;
  if (messages === undefined) throw invalid('messages: Field required');
  if (!Array.isArray(messages)) throw invalid('messages: Input should be a valid list');
  const maxTokens = readNumber(body, 'max_tokens');
  if (options.requireMaxTokens && maxTokens === undefined) throw invalid('max_tokens: Field required');

  let cacheControl = body.cache_control !== undefined;
  const system = summarizeContent(body.system);
  if (system.cacheControl) cacheControl = true;
  let promptCharacters = system.characters;
  let lastTurn: LastTurn = { kind: 'none' };
  let lastUserText: string | null = null;
  for (let index = 0; index < messages.length; index += 1) {
    const message: unknown = messages[index];
    if (!isRecord(message)) throw invalid(`messages.${index}: Input should be a valid dictionary`);
    const role = message.role;
    if (role !== 'user' && role !== 'assistant')
      throw invalid(`messages.${index}.role: Input should be 'user' or 'assistant'`);
    const content = summarizeContent(message.content);
    promptCharacters += content.characters;
    if (content.cacheControl) cacheControl = true;
    if (role === 'assistant') {
      lastTurn = { kind: 'assistant', text: content.text };
    } else if (content.toolResult) {
      lastTurn = { kind: 'tool-result', text: content.text };
    } else {
      lastTurn = { kind: 'user', text: content.text };
      lastUserText = content.text;
    }
  }

  const tools: MockTool[] = [];
  for (const tool of readArray(body, 'tools') ?? []) {
    if (!isRecord(tool) || typeof tool.name !== 'string') continue;
    if (tool.cache_control !== undefined) cacheControl = true;
    const description = readString(tool, 'description') ?? '';
    promptCharacters += tool.name.length + description.length + serializedLength(tool.input_schema);
    // server tools (web search, code execution…) have a `type` and no schema: the mock never calls them.
    if (tool.input_schema !== undefined)
      tools.push({ name: tool.name, description, parameters: tool.input_schema });
  }

  const thinking = readRecord(body, 'thinking');
  const thinkingType = thinking === undefined ? undefined : readString(thinking, 'type');
  const thinkingOn = thinkingType === 'enabled' || thinkingType === 'adaptive';
  const effort = readString(readRecord(body, 'output_config') ?? {}, 'effort');
  return {
    format: 'anthropic',
    model,
    stream: body.stream === true,
    systemCharacters: system.characters,
    promptCharacters,
    messageCount: messages.length + (system.characters > 0 ? 1 : 0),
    lastTurn,
    tools,
    toolChoice: parseToolChoice(body),
    reasoningTokens: thinkingOn ? reasoningTokensForEffort(effort) : 0,
    showReasoning: thinkingOn && thinking?.display !== 'omitted',
    cacheControl,
    maxOutputTokens: maxTokens ?? null,
    includeUsage: true,
    directive: lastUserText === null ? null : (extractDirective(lastUserText)?.json ?? null),
  };
}

function parseToolChoice(body: JsonRecord): MockToolChoice {
  const choice = readRecord(body, 'tool_choice');
  if (choice === undefined) return { type: 'auto' };
  switch (choice.type) {
    case 'none':
      return { type: 'none' };
    case 'any':
      return { type: 'required', allowed: null };
    case 'tool': {
      const name = readString(choice, 'name');
      if (name === undefined) throw invalid('tool_choice.tool.name: Field required');
      return { type: 'tool', name };
    }
    case 'auto':
      return { type: 'auto' };
    default:
      throw invalid(
        `tool_choice: Input tag '${String(choice.type)}' found using 'type' does not match any of the expected tags: 'auto', 'any', 'tool', 'none'`,
      );
  }
}
