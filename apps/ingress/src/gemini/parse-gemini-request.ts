import type { z } from 'zod';
import { GatewayError } from '@switchyard/contracts';
import {
  GeminiCountTokensRequest,
  GeminiGenerateContentRequest,
  type GeminiContent,
  type GeminiPart,
} from './gemini-request';

/** The fields of a part that carry its data: a part has exactly one. */
const DATA_FIELDS = ['text', 'inlineData', 'fileData', 'functionCall', 'functionResponse'] as const;
/** Data fields Google defines that the gateway cannot carry to every provider. */
const UNSUPPORTED_DATA_FIELDS = ['executableCode', 'codeExecutionResult'] as const;

/**
 * Validates a `generateContent` body; the first problem becomes a 400 (INVALID_ARGUMENT) naming
 * the field the way Google does (`contents[0].parts[1].text`).
 */
export function parseGenerateContentRequest(body: unknown): GeminiGenerateContentRequest {
  const request = parseBody(GeminiGenerateContentRequest, body);
  checkContents(request.contents, 'contents');
  if (request.systemInstruction) checkParts(request.systemInstruction.parts, 'systemInstruction');
  const candidates = request.generationConfig?.candidateCount;
  if (candidates !== undefined && candidates !== 1) {
    throw invalid(
      'generationConfig.candidateCount: only 1 candidate is supported by this gateway.',
      'generationConfig.candidateCount',
    );
  }
  if (request.cachedContent !== undefined) {
    throw invalid(
      'cachedContent: cached contents are not supported by this gateway; send the contents with the request.',
      'cachedContent',
    );
  }
  return request;
}

/** A `countTokens` body: `contents`, or `generateContentRequest`; the contents to count. */
export function parseCountTokensRequest(body: unknown): GeminiGenerateContentRequest {
  const request = parseBody(GeminiCountTokensRequest, body);
  if (request.generateContentRequest) return parseGenerateContentRequest(request.generateContentRequest);
  if (!request.contents || request.contents.length === 0) {
    throw invalid('contents: either contents or generateContentRequest must be set.', 'contents');
  }
  checkContents(request.contents, 'contents');
  return { contents: request.contents };
}

function parseBody<Schema extends z.ZodType>(schema: Schema, body: unknown): z.infer<Schema> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw invalid('Invalid JSON payload received. The request body must be a JSON object.', null);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = fieldPath(issue.path);
    throw invalid(`Invalid JSON payload received. ${path}: ${describe(issue, body)}`, path);
  }
  return parsed.data;
}

function checkContents(contents: readonly GeminiContent[], path: string): void {
  contents.forEach((content, index) => checkParts(content.parts, `${path}[${index}].parts`));
}

function checkParts(parts: readonly GeminiPart[], path: string): void {
  if (parts.length === 0) throw invalid(`${path}: must contain at least one part.`, path);
  parts.forEach((part, index) => {
    const record = part as Record<string, unknown>;
    const unsupported = UNSUPPORTED_DATA_FIELDS.find((field) => record[field] !== undefined);
    if (unsupported) {
      throw invalid(
        `${path}[${index}].${unsupported}: parts of this kind are not supported by this gateway.`,
        `${path}[${index}]`,
      );
    }
    const present = DATA_FIELDS.filter((field) => record[field] !== undefined);
    if (present.length !== 1) {
      throw invalid(
        `${path}[${index}]: a part must set exactly one of ${DATA_FIELDS.join(', ')}${present.length > 1 ? ` (it sets ${present.join(' and ')})` : ''}.`,
        `${path}[${index}]`,
      );
    }
  });
}

function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

function describe(issue: z.core.$ZodIssue, body: unknown): string {
  if (issue.code === 'invalid_type') {
    return valueAt(body, issue.path) === undefined
      ? 'required field is missing'
      : `expected ${issue.expected}, got ${typeOf(valueAt(body, issue.path))}`;
  }
  if (issue.code === 'invalid_value') {
    return `invalid value ${JSON.stringify(valueAt(body, issue.path))}; expected ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
  }
  return issue.message;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value: unknown = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function invalid(message: string, param: string | null): GatewayError {
  return GatewayError.invalidRequest(message, param, 'invalid_argument');
}
