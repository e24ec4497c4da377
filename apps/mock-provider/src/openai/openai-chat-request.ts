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
import type { MockFormat } from '../shared/mock-format';
import { MockHttpError } from '../shared/mock-http-error';
import { extractDirective } from '../shared/reply-text';
import { reasoningTokensForEffort } from '../shared/token-estimate';

const roles = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function']);

export interface OpenAiChatFlavour {
  format: Extract<MockFormat, 'openai' | 'mistral'>;
  /** `tool_choice` strings accepted besides `none`, `auto` and `required` (Mistral: `any`). */
  extraToolChoices: readonly string[];
}

export const OPENAI_FLAVOUR: OpenAiChatFlavour = { format: 'openai', extraToolChoices: [] };

function invalid(message: string, param: string, code: string | null = 'invalid_value'): MockHttpError {
  return new MockHttpError(400, message, { param, code });
}

/** Text of a message `content`: a string, or the `text` of its text parts (media count for nothing). */
export function openAiContentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content) {
    if (isRecord(part) && typeof part.text === 'string') text += part.text;
  }
  return text;
}

/** Normalises an OpenAI (or OpenAI-compatible, or Mistral) chat completion request. */
export function parseOpenAiChatRequest(body: unknown, flavour: OpenAiChatFlavour): ChatInput {
  if (!isRecord(body)) {
    throw invalid(
      'We could not parse the JSON body of your request. The request body must be a JSON object.',
      'body',
      null,
    );
  }
  const model = readString(body, 'model');
  if (model === undefined || model === '') throw invalid('you must provide a model parameter', 'model', null);
  const messages = body.messages;
  if (messages === undefined) {
    throw invalid("Missing required parameter: 'messages'.", 'messages', 'missing_required_parameter');
  }
  if (!Array.isArray(messages))
    throw invalid("Invalid type for 'messages': expected an array.", 'messages', 'invalid_type');
  if (messages.length === 0)
    throw invalid(
      "Invalid 'messages': empty array. Expected an array with minimum length 1.",
      'messages',
      'empty_array',
    );

  let promptCharacters = 0;
  let systemCharacters = 0;
  let lastTurn: LastTurn = { kind: 'none' };
  let lastUserText: string | null = null;
  for (let index = 0; index < messages.length; index += 1) {
    const message: unknown = messages[index];
    if (!isRecord(message))
      throw invalid(
        `Invalid type for 'messages[${index}]': expected an object.`,
        `messages[${index}]`,
        'invalid_type',
      );
    const role = readString(message, 'role');
    if (role === undefined || !roles.has(role)) {
      throw invalid(
        `Invalid value: '${String(message.role)}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.`,
        `messages[${index}].role`,
      );
    }
    const text = openAiContentText(message.content);
    promptCharacters += text.length;
    switch (role) {
      case 'system':
      case 'developer':
        systemCharacters += text.length;
        break;
      case 'user':
        lastTurn = { kind: 'user', text };
        lastUserText = text;
        break;
      case 'tool':
      case 'function':
        lastTurn = { kind: 'tool-result', text };
        break;
      case 'assistant': {
        for (const call of readArray(message, 'tool_calls') ?? []) {
          const called = isRecord(call) ? readRecord(call, 'function') : undefined;
          if (called !== undefined)
            promptCharacters += serializedLength(called.name) + serializedLength(called.arguments);
        }
        lastTurn = { kind: 'assistant', text };
        break;
      }
    }
  }

  const tools = parseTools(body);
  for (const tool of tools) {
    promptCharacters += tool.name.length + tool.description.length + serializedLength(tool.parameters);
  }

  const effort = readString(body, 'reasoning_effort');
  const streamOptions = readRecord(body, 'stream_options');
  const maxOutputTokens = readNumber(body, 'max_completion_tokens') ?? readNumber(body, 'max_tokens') ?? null;
  return {
    format: flavour.format,
    model,
    stream: body.stream === true,
    systemCharacters,
    promptCharacters,
    messageCount: messages.length,
    lastTurn,
    tools,
    toolChoice: parseToolChoice(body.tool_choice, flavour),
    reasoningTokens: effort === undefined ? 0 : reasoningTokensForEffort(effort),
    showReasoning: false,
    cacheControl: false,
    maxOutputTokens,
    includeUsage: streamOptions?.include_usage === true,
    directive: lastUserText === null ? null : (extractDirective(lastUserText)?.json ?? null),
  };
}

function parseTools(body: JsonRecord): MockTool[] {
  const tools: MockTool[] = [];
  const list = readArray(body, 'tools');
  if (list !== undefined) {
    for (let index = 0; index < list.length; index += 1) {
      const entry: unknown = list[index];
      const definition = isRecord(entry) ? readRecord(entry, 'function') : undefined;
      const name = definition === undefined ? undefined : readString(definition, 'name');
      if (definition === undefined || name === undefined) {
        throw invalid(
          `Missing required parameter: 'tools[${index}].function'.`,
          `tools[${index}].function`,
          'missing_required_parameter',
        );
      }
      tools.push({
        name,
        description: readString(definition, 'description') ?? '',
        parameters: definition.parameters,
      });
    }
  }
  // the deprecated `functions` list
  for (const definition of readArray(body, 'functions') ?? []) {
    if (isRecord(definition) && typeof definition.name === 'string') {
      tools.push({
        name: definition.name,
        description: readString(definition, 'description') ?? '',
        parameters: definition.parameters,
      });
    }
  }
  return tools;
}

function parseToolChoice(choice: unknown, flavour: OpenAiChatFlavour): MockToolChoice {
  if (choice === undefined || choice === null || choice === 'auto') return { type: 'auto' };
  if (choice === 'none') return { type: 'none' };
  if (choice === 'required' || (typeof choice === 'string' && flavour.extraToolChoices.includes(choice))) {
    return { type: 'required', allowed: null };
  }
  if (isRecord(choice)) {
    const named = readRecord(choice, 'function');
    const name = named === undefined ? undefined : readString(named, 'name');
    if (name !== undefined) return { type: 'tool', name };
  }
  const supported = ['none', 'auto', ...flavour.extraToolChoices, 'required'].map((value) => `'${value}'`);
  throw invalid(
    `Invalid value: '${typeof choice === 'string' ? choice : JSON.stringify(choice)}'. Supported values are: ${supported.join(', ')}.`,
    'tool_choice',
  );
}
