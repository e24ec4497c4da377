import type { ChatInput, LastTurn, MockTool, MockToolChoice } from '../shared/chat-input';
import {
  isRecord,
  readArray,
  readNumber,
  readString,
  serializedLength,
  type JsonRecord,
} from '../shared/json-value';
import { MockHttpError } from '../shared/mock-http-error';
import { extractDirective } from '../shared/reply-text';
import { reasoningTokensForEffort } from '../shared/token-estimate';

/** Gemini's REST API accepts both the camelCase and the snake_case spelling of every field. */
function field(record: JsonRecord, camel: string, snake: string): unknown {
  return record[camel] ?? record[snake];
}

function fieldRecord(record: JsonRecord, camel: string, snake: string): JsonRecord | undefined {
  const value = field(record, camel, snake);
  return isRecord(value) ? value : undefined;
}

interface PartsSummary {
  text: string;
  characters: number;
  functionResponse: boolean;
}

function summarizeParts(content: unknown): PartsSummary {
  const summary: PartsSummary = { text: '', characters: 0, functionResponse: false };
  const parts = isRecord(content) ? readArray(content, 'parts') : undefined;
  for (const part of parts ?? []) {
    if (!isRecord(part)) continue;
    if (typeof part.text === 'string') {
      summary.characters += part.text.length;
      if (part.thought !== true) summary.text += part.text;
    }
    const call = fieldRecord(part, 'functionCall', 'function_call');
    if (call !== undefined) summary.characters += serializedLength(call.name) + serializedLength(call.args);
    const response = fieldRecord(part, 'functionResponse', 'function_response');
    if (response !== undefined) {
      summary.functionResponse = true;
      const responseText = JSON.stringify(response.response ?? {});
      summary.characters += serializedLength(response.name) + responseText.length;
      summary.text += responseText;
    }
  }
  return summary;
}

/** Normalises a Gemini `generateContent` / `streamGenerateContent` request; the model comes from the path. */
export function parseGeminiRequest(body: unknown, model: string, stream: boolean): ChatInput {
  if (!isRecord(body)) throw new MockHttpError(400, 'Invalid JSON payload received. Expected an object.');
  const contents = body.contents;
  if (!Array.isArray(contents) || contents.length === 0) {
    throw new MockHttpError(400, '* GenerateContentRequest.contents: contents is not specified\n');
  }
  const system = summarizeParts(field(body, 'systemInstruction', 'system_instruction'));
  let promptCharacters = system.characters;
  let lastTurn: LastTurn = { kind: 'none' };
  let lastUserText: string | null = null;
  for (const content of contents) {
    if (!isRecord(content))
      throw new MockHttpError(400, 'Invalid JSON payload received. Expected an object in contents.');
    const role = content.role ?? 'user';
    if (role !== 'user' && role !== 'model' && role !== 'function') {
      throw new MockHttpError(400, 'Please use a valid role: user, model.');
    }
    const summary = summarizeParts(content);
    promptCharacters += summary.characters;
    if (role === 'model') lastTurn = { kind: 'assistant', text: summary.text };
    else if (summary.functionResponse) lastTurn = { kind: 'tool-result', text: summary.text };
    else {
      lastTurn = { kind: 'user', text: summary.text };
      lastUserText = summary.text;
    }
  }

  const tools: MockTool[] = [];
  for (const entry of readArray(body, 'tools') ?? []) {
    if (!isRecord(entry)) continue;
    const declarations = field(entry, 'functionDeclarations', 'function_declarations');
    if (!Array.isArray(declarations)) continue;
    for (const declaration of declarations) {
      if (!isRecord(declaration) || typeof declaration.name !== 'string') continue;
      const parameters =
        declaration.parameters ?? field(declaration, 'parametersJsonSchema', 'parameters_json_schema');
      const description = readString(declaration, 'description') ?? '';
      promptCharacters += declaration.name.length + description.length + serializedLength(parameters);
      tools.push({ name: declaration.name, description, parameters });
    }
  }

  const generation = fieldRecord(body, 'generationConfig', 'generation_config') ?? {};
  const thinking = fieldRecord(generation, 'thinkingConfig', 'thinking_config');
  let reasoningTokens = 0;
  if (thinking !== undefined) {
    const budget = field(thinking, 'thinkingBudget', 'thinking_budget');
    const level = field(thinking, 'thinkingLevel', 'thinking_level');
    reasoningTokens =
      budget === 0 ? 0 : reasoningTokensForEffort(typeof level === 'string' ? level : undefined);
  }
  const maxOutput = readNumber(generation, 'maxOutputTokens') ?? readNumber(generation, 'max_output_tokens');
  return {
    format: 'gemini',
    model,
    stream,
    systemCharacters: system.characters,
    promptCharacters,
    messageCount: contents.length + (system.characters > 0 ? 1 : 0),
    lastTurn,
    tools,
    toolChoice: parseToolConfig(body),
    reasoningTokens,
    showReasoning: thinking !== undefined && field(thinking, 'includeThoughts', 'include_thoughts') === true,
    cacheControl: false,
    maxOutputTokens: maxOutput ?? null,
    includeUsage: true,
    directive: lastUserText === null ? null : (extractDirective(lastUserText)?.json ?? null),
  };
}

function parseToolConfig(body: JsonRecord): MockToolChoice {
  const config = fieldRecord(body, 'toolConfig', 'tool_config');
  const calling =
    config === undefined
      ? undefined
      : fieldRecord(config, 'functionCallingConfig', 'function_calling_config');
  if (calling === undefined) return { type: 'auto' };
  const allowedField = field(calling, 'allowedFunctionNames', 'allowed_function_names');
  const allowed = Array.isArray(allowedField)
    ? allowedField.filter((name): name is string => typeof name === 'string')
    : null;
  switch (calling.mode) {
    case 'NONE':
      return { type: 'none' };
    case 'ANY':
      return { type: 'required', allowed };
    default:
      return { type: 'auto' };
  }
}
