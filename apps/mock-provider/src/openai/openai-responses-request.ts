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

/** A Responses API request, normalised: the chat input plus what only the Responses format has. */
export interface ResponsesInput extends ChatInput {
  /** `include` asks for `reasoning.encrypted_content`. */
  encryptedReasoning: boolean;
  /** `reasoning.summary` (`auto`, `concise`, `detailed`): emit a reasoning summary. */
  reasoningSummary: string | null;
  /** the request's fields the response object echoes (instructions, tools, store, …). */
  echo: JsonRecord;
}

const MESSAGE_ROLES = new Set(['user', 'system', 'developer', 'assistant']);

function invalid(message: string, param: string, code: string | null = 'invalid_value'): MockHttpError {
  return new MockHttpError(400, message, { param, code });
}

/** Text of a message's `content`: a string, or the `text` of its parts (`input_text`, `output_text`). */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content) if (isRecord(part) && typeof part.text === 'string') text += part.text;
  return text;
}

/** Flattens function tools, the functions inside `namespace` tools; hosted tools are not callable. */
function parseTools(body: JsonRecord): { tools: MockTool[]; characters: number } {
  const tools: MockTool[] = [];
  let characters = 0;
  const visit = (list: unknown[], path: string): void => {
    list.forEach((entry: unknown, index) => {
      if (!isRecord(entry) || typeof entry.type !== 'string') {
        throw invalid(
          `Missing required parameter: '${path}[${index}].type'.`,
          `${path}[${index}].type`,
          'missing_required_parameter',
        );
      }
      characters += serializedLength(entry);
      if (entry.type === 'function') {
        const name = readString(entry, 'name');
        if (name === undefined)
          throw invalid(
            `Missing required parameter: '${path}[${index}].name'.`,
            `${path}[${index}].name`,
            'missing_required_parameter',
          );
        tools.push({
          name,
          description: readString(entry, 'description') ?? '',
          parameters: entry.parameters,
        });
      } else if (entry.type === 'namespace') {
        const nested = readArray(entry, 'tools') ?? [];
        characters -= serializedLength(nested);
        visit(nested, `${path}[${index}].tools`);
      }
    });
  };
  visit(readArray(body, 'tools') ?? [], 'tools');
  return { tools, characters };
}

function parseToolChoice(choice: unknown): MockToolChoice {
  if (choice === undefined || choice === null || choice === 'auto') return { type: 'auto' };
  if (choice === 'none') return { type: 'none' };
  if (choice === 'required') return { type: 'required', allowed: null };
  if (isRecord(choice) && choice.type === 'function' && typeof choice.name === 'string')
    return { type: 'tool', name: choice.name };
  if (isRecord(choice) && choice.type === 'allowed_tools') {
    const allowed = (readArray(choice, 'tools') ?? [])
      .map((tool) => (isRecord(tool) ? readString(tool, 'name') : undefined))
      .filter((name): name is string => name !== undefined);
    return choice.mode === 'required' ? { type: 'required', allowed } : { type: 'auto' };
  }
  if (isRecord(choice)) return { type: 'auto' }; // hosted tool choices: nothing the mock calls
  throw invalid(
    `Invalid value: '${JSON.stringify(choice)}'. Supported values are: 'none', 'auto', and 'required'.`,
    'tool_choice',
  );
}

/** Normalises a `POST /v1/responses` body, rejecting what OpenAI rejects with its 400 shape. */
export function parseOpenAiResponsesRequest(body: unknown): ResponsesInput {
  if (!isRecord(body)) {
    throw invalid(
      'We could not parse the JSON body of your request. The request body must be a JSON object.',
      'body',
      null,
    );
  }
  const model = readString(body, 'model');
  if (model === undefined || model === '')
    throw invalid("Missing required parameter: 'model'.", 'model', 'missing_required_parameter');
  const input = body.input;
  if (input === undefined)
    throw invalid("Missing required parameter: 'input'.", 'input', 'missing_required_parameter');
  if (typeof input !== 'string' && !Array.isArray(input))
    throw invalid(
      "Invalid type for 'input': expected a string or an array of input items.",
      'input',
      'invalid_type',
    );

  const instructions = readString(body, 'instructions') ?? '';
  let systemCharacters = instructions.length;
  let promptCharacters = instructions.length;
  let messageCount = instructions === '' ? 0 : 1;
  let lastTurn: LastTurn = { kind: 'none' };
  let lastUserText: string | null = null;
  const items: unknown[] =
    typeof input === 'string' ? [{ type: 'message', role: 'user', content: input }] : input;
  items.forEach((item: unknown, index) => {
    if (!isRecord(item))
      throw invalid(
        `Invalid type for 'input[${index}]': expected an object.`,
        `input[${index}]`,
        'invalid_type',
      );
    const type = readString(item, 'type') ?? (item.role !== undefined ? 'message' : undefined);
    messageCount += 1;
    switch (type) {
      case 'message': {
        const role = readString(item, 'role');
        if (role === undefined || !MESSAGE_ROLES.has(role)) {
          throw invalid(
            `Invalid value: '${String(item.role)}'. Supported values are: 'assistant', 'system', 'developer', and 'user'.`,
            `input[${index}].role`,
          );
        }
        const text = contentText(item.content);
        promptCharacters += text.length;
        if (role === 'system' || role === 'developer') systemCharacters += text.length;
        else if (role === 'user') {
          lastTurn = { kind: 'user', text };
          lastUserText = text;
        } else lastTurn = { kind: 'assistant', text };
        break;
      }
      case 'function_call':
      case 'custom_tool_call':
        promptCharacters += serializedLength(item.name) + serializedLength(item.arguments ?? item.input);
        lastTurn = { kind: 'assistant', text: '' };
        break;
      case 'function_call_output':
      case 'custom_tool_call_output': {
        const text = typeof item.output === 'string' ? item.output : contentText(item.output);
        promptCharacters += text.length;
        lastTurn = { kind: 'tool-result', text };
        break;
      }
      case 'reasoning':
        // the summary is prompt text; encrypted_content is opaque
        for (const part of readArray(item, 'summary') ?? [])
          if (isRecord(part)) promptCharacters += serializedLength(part.text);
        messageCount -= 1;
        break;
      case undefined:
        throw invalid(
          `Missing required parameter: 'input[${index}].type'.`,
          `input[${index}].type`,
          'missing_required_parameter',
        );
      default:
        messageCount -= 1; // other item types (hosted tool calls) count for nothing
    }
  });

  const { tools, characters } = parseTools(body);
  promptCharacters += characters;
  const reasoning = readRecord(body, 'reasoning');
  const include = readArray(body, 'include') ?? [];
  const summary = reasoning === undefined ? undefined : readString(reasoning, 'summary');
  const echo: JsonRecord = {};
  for (const key of [
    'instructions',
    'max_output_tokens',
    'parallel_tool_calls',
    'previous_response_id',
    'prompt_cache_key',
    'store',
    'temperature',
    'text',
    'tool_choice',
    'tools',
    'top_p',
    'user',
    'metadata',
    'reasoning',
    'truncation',
    'service_tier',
  ]) {
    if (body[key] !== undefined) echo[key] = body[key];
  }
  return {
    format: 'openai',
    model,
    stream: body.stream === true,
    systemCharacters,
    promptCharacters,
    messageCount,
    lastTurn,
    tools,
    toolChoice: parseToolChoice(body.tool_choice),
    reasoningTokens: reasoning === undefined ? 0 : reasoningTokensForEffort(readString(reasoning, 'effort')),
    showReasoning: summary !== undefined,
    cacheControl: false,
    maxOutputTokens: readNumber(body, 'max_output_tokens') ?? null,
    includeUsage: true,
    directive: lastUserText === null ? null : (extractDirective(lastUserText)?.json ?? null),
    encryptedReasoning: include.includes('reasoning.encrypted_content'),
    reasoningSummary: summary ?? null,
    echo,
  };
}
