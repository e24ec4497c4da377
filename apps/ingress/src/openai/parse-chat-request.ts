import type { z } from 'zod';
import { ChatCompletionRequest, EmbeddingRequest, GatewayError } from '@switchyard/contracts';
import { formatPath } from '@switchyard/config';

/** Validates a chat completions body; the first problem becomes a 400 naming the parameter. */
export function parseChatRequest(body: unknown): ChatCompletionRequest {
  refuseAnthropicShape(body);
  return parseBody(ChatCompletionRequest, body);
}

const ANTHROPIC_ONLY_BLOCKS = new Set([
  'tool_use',
  'tool_result',
  'thinking',
  'redacted_thinking',
  'document',
]);

/**
 * An Anthropic Messages body sent to the OpenAI path would be half understood (a top-level
 * `system` would reach the provider as an unknown parameter): say where it belongs instead.
 */
function refuseAnthropicShape(body: unknown): void {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return;
  const record = body as Record<string, unknown>;
  const messages = Array.isArray(record.messages) ? (record.messages as unknown[]) : [];
  const anthropicBlock = messages.some(
    (message) =>
      message !== null &&
      typeof message === 'object' &&
      Array.isArray((message as { content?: unknown }).content) &&
      ((message as { content: unknown[] }).content as { type?: unknown; source?: unknown }[]).some(
        (part) =>
          part !== null &&
          typeof part === 'object' &&
          (ANTHROPIC_ONLY_BLOCKS.has(String(part.type)) ||
            (part.type === 'image' && part.source !== undefined)),
      ),
  );
  if ('system' in record || 'stop_sequences' in record || anthropicBlock) {
    throw GatewayError.invalidRequest(
      `This looks like an Anthropic Messages request (${'system' in record ? 'top-level "system"' : 'stop_sequences' in record ? '"stop_sequences"' : 'Anthropic content blocks'}); send it to POST /v1/messages, or put the system prompt in a {"role": "system"} message for /v1/chat/completions.`,
      'system' in record ? 'system' : 'stop_sequences' in record ? 'stop_sequences' : 'messages',
      'wrong_api_format',
    );
  }
}

export function parseEmbeddingRequest(body: unknown): EmbeddingRequest {
  return parseBody(EmbeddingRequest, body);
}

function parseBody<Schema extends z.ZodType>(schema: Schema, body: unknown): z.infer<Schema> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw GatewayError.invalidRequest('The request body must be a JSON object.', null, 'invalid_body');
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const param = formatPath(issue.path);
  throw GatewayError.invalidRequest(describeIssue(issue, param, body), param, 'invalid_value');
}

function describeIssue(issue: z.core.$ZodIssue, param: string, body: object): string {
  if (issue.code === 'invalid_type' && valueAt(body, issue.path) === undefined) {
    return `Missing required parameter: '${param}'.`;
  }
  if (
    issue.code === 'invalid_union' &&
    issue.path.at(-1) !== undefined &&
    typeof issue.path.at(-1) === 'number'
  ) {
    const role = (valueAt(body, issue.path) as { role?: unknown } | undefined)?.role;
    if (issue.path[0] === 'messages' && role !== undefined) {
      return `Invalid value for '${param}.role': ${JSON.stringify(role)} is not one of 'system', 'developer', 'user', 'assistant', 'tool', 'function' (or the message is missing a field its role requires).`;
    }
  }
  return `Invalid value for '${param}': ${issue.message}.`;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value: unknown = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
