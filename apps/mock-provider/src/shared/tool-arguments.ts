import type { MockTool } from './chat-input';
import { isRecord, type JsonRecord } from './json-value';

const maximumDepth = 8;

/**
 * THE TOOL-ARGUMENT RULE (exported so tests can compute the expected arguments):
 * an object with one entry per `required` property of the schema, in the order of `required`,
 * each a sample value chosen by the property's schema:
 *
 * - `const` → that value; `enum` → its first value; `anyOf`/`oneOf`/`allOf` → the first option
 * - `string` → `"mock-<property>"`; `number` / `integer` → 1; `boolean` → true; `null` → null
 * - `array` → one sample item (`[sample(items)]`), or `[]` without `items`
 * - `object` → the same rule applied to its own `required` properties
 * - a type list (`["string", "null"]`) uses its first non-null type; a missing type → `"mock-<property>"`
 *
 * Types are compared case-insensitively (Gemini writes `STRING`). Properties that are not
 * required are left out.
 */
export function buildToolArguments(schema: unknown): JsonRecord {
  return buildObject(schema, 0);
}

function buildObject(schema: unknown, depth: number): JsonRecord {
  const result: JsonRecord = {};
  if (!isRecord(schema) || depth > maximumDepth) return result;
  const required = schema.required;
  if (!Array.isArray(required)) return result;
  const properties = isRecord(schema.properties) ? schema.properties : {};
  for (const name of required) {
    if (typeof name !== 'string') continue;
    result[name] = sampleValue(name, properties[name], depth + 1);
  }
  return result;
}

function sampleValue(property: string, schema: unknown, depth: number): unknown {
  if (!isRecord(schema) || depth > maximumDepth) return `mock-${property}`;
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  for (const combinator of ['anyOf', 'oneOf', 'allOf'] as const) {
    const options: unknown[] | undefined = Array.isArray(schema[combinator])
      ? (schema[combinator] as unknown[])
      : undefined;
    if (options !== undefined && options.length > 0) {
      const first = options.find((option) => !(isRecord(option) && schemaType(option) === 'null'));
      return sampleValue(property, first ?? options[0], depth + 1);
    }
  }
  switch (schemaType(schema) ?? '') {
    case 'string':
      return `mock-${property}`;
    case 'number':
    case 'integer':
      return 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array':
      return schema.items === undefined ? [] : [sampleValue(property, schema.items, depth + 1)];
    case 'object':
      return buildObject(schema, depth);
    default:
      return isRecord(schema.properties) ? buildObject(schema, depth) : `mock-${property}`;
  }
}

function schemaType(schema: JsonRecord): string | undefined {
  const type = schema.type;
  if (typeof type === 'string') return type.toLowerCase();
  if (Array.isArray(type)) {
    const first: unknown = (type as unknown[]).find(
      (entry) => typeof entry === 'string' && entry.toLowerCase() !== 'null',
    );
    return typeof first === 'string' ? first.toLowerCase() : undefined;
  }
  return undefined;
}

function isWordCharacter(code: number): boolean {
  return (
    (code >= 48 && code <= 57) || // 0-9
    (code >= 65 && code <= 90) || // A-Z
    (code >= 97 && code <= 122) || // a-z
    code === 95 // _
  );
}

/** true when `name` occurs in `text` as a whole word (case-insensitive). */
export function namesTool(text: string, name: string): boolean {
  if (name === '') return false;
  const haystack = text.toLowerCase();
  const needle = name.toLowerCase();
  for (let start = haystack.indexOf(needle); start !== -1; start = haystack.indexOf(needle, start + 1)) {
    const before = start === 0 ? -1 : haystack.charCodeAt(start - 1);
    const end = start + needle.length;
    const after = end >= haystack.length ? -1 : haystack.charCodeAt(end);
    if (!(before !== -1 && isWordCharacter(before)) && !(after !== -1 && isWordCharacter(after))) return true;
  }
  return false;
}

/**
 * The tool named in `text`: the first tool, in the order the request lists them, whose name
 * occurs as a whole word (case-insensitive).
 */
export function findNamedTool(text: string, tools: readonly MockTool[]): MockTool | undefined {
  return tools.find((tool) => namesTool(text, tool.name));
}
