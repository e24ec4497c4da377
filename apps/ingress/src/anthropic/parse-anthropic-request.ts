import type { z } from 'zod';
import { GatewayError } from '@switchyard/contracts';
import { AnthropicMessagesRequest, AnthropicTokenCountRequest } from './anthropic-messages-request';

/**
 * Validates a Messages API body; the first problem becomes a 400 that names the field the way
 * Anthropic does (`messages.0.content.1.type: …`). A body written for OpenAI's Chat Completions
 * gets a hint saying so, since that is the usual cause.
 */
export function parseAnthropicMessagesRequest(body: unknown): AnthropicMessagesRequest {
  return parseBody(AnthropicMessagesRequest, body);
}

export function parseAnthropicTokenCountRequest(body: unknown): AnthropicTokenCountRequest {
  return parseBody(AnthropicTokenCountRequest, body);
}

const OPENAI_HINT =
  " This looks like an OpenAI Chat Completions body: /v1/messages takes Anthropic's Messages API (the system prompt in the top-level 'system' parameter, a required 'max_tokens', tool calls as 'tool_use' blocks and tool results as 'tool_result' blocks in a user message). Send OpenAI bodies to /v1/chat/completions.";

function parseBody<Schema extends z.ZodType<{ messages: readonly { role: string }[] }>>(
  schema: Schema,
  body: unknown,
): z.infer<Schema> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw GatewayError.invalidRequest('The request body must be a JSON object.', null, 'invalid_body');
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = deepestIssue(parsed.error.issues[0], []);
    const param = issue.path.join('.');
    throw invalid(`${param}: ${describeIssue(issue, body)}`, param, body);
  }
  const opening = parsed.data.messages[0];
  if (opening.role === 'system') {
    throw invalid(
      "messages.0.role: a system message must follow a user turn; put the system prompt in the top-level 'system' parameter.",
      'messages.0.role',
      body,
    );
  }
  return parsed.data;
}

function invalid(message: string, param: string, body: object): GatewayError {
  return GatewayError.invalidRequest(
    looksLikeOpenAIChatBody(body) ? `${message.replace(/\.?$/, '.')}${OPENAI_HINT}` : message,
    param,
    'invalid_value',
  );
}

interface LocatedIssue {
  issue: z.core.$ZodIssue;
  path: PropertyKey[];
}

/**
 * The issue to report: inside a union (`content` is a string or blocks), the branch that got
 * furthest into the value says what is actually wrong.
 */
function deepestIssue(issue: z.core.$ZodIssue, prefix: PropertyKey[]): LocatedIssue {
  const path = [...prefix, ...issue.path];
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return { issue, path };
  let best: LocatedIssue | null = null;
  for (const branch of issue.errors) {
    const first = branch[0];
    if (!first) continue;
    const candidate = deepestIssue(first, path);
    if (!best || candidate.path.length > best.path.length) best = candidate;
  }
  if (!best || best.path.length === path.length) return { issue, path };
  return best;
}

function describeIssue({ issue, path }: LocatedIssue, body: object): string {
  if (issue.code === 'invalid_type') {
    return valueAt(body, path) === undefined ? 'Field required' : `Input should be a valid ${issue.expected}`;
  }
  if (issue.code === 'invalid_union') {
    if (issue.discriminator === undefined) return 'Input should be a string or a list of content blocks';
    const options = 'options' in issue && Array.isArray(issue.options) ? (issue.options as unknown[]) : [];
    return `Input tag ${JSON.stringify(valueAt(body, path))} found using '${issue.discriminator}' does not match any of the expected tags: ${options.map((option) => `'${String(option)}'`).join(', ')}`;
  }
  if (issue.code === 'invalid_value') {
    return `Input should be ${issue.values.map((value) => JSON.stringify(value)).join(' or ')}`;
  }
  return issue.message;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value: unknown = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

const OPENAI_ONLY_ROLES = new Set(['developer', 'tool', 'function']);
const OPENAI_ONLY_PARTS = new Set(['image_url', 'input_audio', 'file']);
const OPENAI_ONLY_PARAMETERS = [
  'max_completion_tokens',
  'stream_options',
  'response_format',
  'frequency_penalty',
  'presence_penalty',
  'n',
];

/** The marks of an OpenAI Chat Completions body that an Anthropic body never has. */
export function looksLikeOpenAIChatBody(body: object): boolean {
  const record = body as Record<string, unknown>;
  if (OPENAI_ONLY_PARAMETERS.some((name) => record[name] !== undefined)) return true;
  if (typeof record.tool_choice === 'string') return true;
  if (Array.isArray(record.tools) && record.tools.some((tool) => isRecord(tool) && isRecord(tool.function))) {
    return true;
  }
  if (!Array.isArray(record.messages)) return false;
  return record.messages.some((message: unknown, position) => {
    if (!isRecord(message)) return false;
    if (typeof message.role === 'string' && OPENAI_ONLY_ROLES.has(message.role)) return true;
    if (message.role === 'system' && position === 0) return true;
    if (message.tool_calls !== undefined || message.tool_call_id !== undefined) return true;
    return (
      Array.isArray(message.content) &&
      message.content.some((part) => isRecord(part) && OPENAI_ONLY_PARTS.has(String(part.type)))
    );
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
