import type { z } from 'zod';
import { GatewayError } from '@switchyard/contracts';
import { ResponsesRequest } from './responses-request';

/**
 * Validates a Responses API body; the first problem becomes a 400 in OpenAI's words and with its
 * codes (`Missing required parameter: 'input'.`, `missing_required_parameter`; `Invalid type for
 * 'input[0].content': …`, `invalid_type`), the parameter named the way OpenAI names it.
 */
export function parseResponsesRequest(body: unknown): ResponsesRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw GatewayError.invalidRequest('The request body must be a JSON object.', null, 'invalid_body');
  }
  const parsed = ResponsesRequest.safeParse(body);
  if (parsed.success) return parsed.data;
  const { issue, path } = deepestIssue(parsed.error.issues[0], []);
  const param = openAIParamName(path);
  const value = valueAt(body, path);
  if (value === undefined) {
    throw GatewayError.invalidRequest(
      `Missing required parameter: '${param}'.`,
      param,
      'missing_required_parameter',
    );
  }
  if (issue.code === 'invalid_type') {
    throw GatewayError.invalidRequest(
      `Invalid type for '${param}': expected ${article(issue.expected)}, but got ${typeName(value)} instead.`,
      param,
      'invalid_type',
    );
  }
  if (issue.code === 'invalid_value') {
    throw GatewayError.invalidRequest(
      `Invalid value: ${JSON.stringify(value)}. Supported values are: ${issue.values.map((option) => `'${String(option)}'`).join(', ')}.`,
      param,
      'invalid_value',
    );
  }
  if (issue.code === 'invalid_union' && issue.discriminator !== undefined) {
    // zod puts the discriminator at the end of the path (`input.0.content.1.type`)
    const tagPath = path.at(-1) === issue.discriminator ? path : [...path, issue.discriminator];
    throw GatewayError.invalidRequest(
      `Invalid value: ${JSON.stringify(valueAt(body, tagPath))}. Supported values are: ${describeOptions(issue)}.`,
      openAIParamName(tagPath),
      'invalid_value',
    );
  }
  if (issue.code === 'too_small' || issue.code === 'too_big') {
    throw GatewayError.invalidRequest(
      `Invalid '${param}': ${issue.message.replace(/^Too (small|big): expected \w+ to (have )?/, '')}.`,
      param,
      issue.code === 'too_small' ? 'integer_below_min_value' : 'integer_above_max_value',
    );
  }
  throw GatewayError.invalidRequest(`Invalid '${param}': ${issue.message}.`, param, 'invalid_value');
}

interface LocatedIssue {
  issue: z.core.$ZodIssue;
  path: PropertyKey[];
}

/** Inside a union, the branch that got furthest into the value says what is actually wrong. */
function deepestIssue(issue: z.core.$ZodIssue, prefix: PropertyKey[]): LocatedIssue {
  const path = [...prefix, ...issue.path];
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return { issue, path };
  let best: LocatedIssue | null = null;
  for (const branch of issue.errors) {
    const first = branch[0];
    // a branch for another item or tool type (its `type` literal did not match) says nothing
    if (!first || first.code === 'custom' || isTypeMismatch(first)) continue;
    const candidate = deepestIssue(first, path);
    if (!best || candidate.path.length > best.path.length) best = candidate;
  }
  if (!best || best.path.length === path.length) return { issue, path };
  return best;
}

function isTypeMismatch(issue: z.core.$ZodIssue): boolean {
  return issue.code === 'invalid_value' && issue.path.length === 1 && issue.path[0] === 'type';
}

/** `input.0.content.1.type` → `input[0].content[1].type`, as OpenAI writes parameter paths. */
export function openAIParamName(path: readonly PropertyKey[]): string {
  let name = '';
  for (const segment of path) {
    if (typeof segment === 'number') name += `[${segment}]`;
    else name += name === '' ? String(segment) : `.${String(segment)}`;
  }
  return name;
}

function describeOptions(issue: z.core.$ZodIssue): string {
  const options = 'options' in issue && Array.isArray(issue.options) ? (issue.options as unknown[]) : [];
  return options.map((option) => `'${String(option)}'`).join(', ');
}

function article(expected: string): string {
  const names: Record<string, string> = {
    string: 'a string',
    number: 'a decimal',
    int: 'an integer',
    boolean: 'a boolean',
    object: 'an object',
    array: 'an array',
    record: 'an object',
  };
  return names[expected] ?? expected;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'boolean') return 'a boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a decimal';
  return typeof value;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value: unknown = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
