import { isRecord, type JsonRecord } from '../shared/json';

/**
 * Gemini's function parameters and response schemas are an OpenAPI 3.0 subset: it rejects
 * `$schema`, `additionalProperties`, `$ref`/`$defs`, `const`, `oneOf`, type arrays and most
 * string formats. This turns a JSON Schema into that subset: references are inlined, `oneOf`
 * becomes `anyOf`, `["string","null"]` becomes `nullable`, `const` becomes a one-value enum,
 * and keys Gemini does not know are dropped.
 */
const KEPT_KEYS = new Set([
  'type',
  'format',
  'title',
  'description',
  'nullable',
  'enum',
  'maxItems',
  'minItems',
  'properties',
  'required',
  'minProperties',
  'maxProperties',
  'minLength',
  'maxLength',
  'pattern',
  'anyOf',
  'propertyOrdering',
  'items',
  'minimum',
  'maximum',
]);

const FORMATS_BY_TYPE: Readonly<Record<string, ReadonlySet<string>>> = {
  string: new Set(['enum', 'date-time']),
  integer: new Set(['int32', 'int64']),
  number: new Set(['float', 'double']),
};

/** Recursive schemas are cut at this depth (Gemini has no references to express them). */
const MAX_DEPTH = 24;

type Definitions = Readonly<Record<string, unknown>>;

function definitionsOf(schema: JsonRecord): Definitions {
  return {
    ...(isRecord(schema.definitions) ? schema.definitions : {}),
    ...(isRecord(schema.$defs) ? schema.$defs : {}),
  };
}

function resolveReference(schema: JsonRecord, definitions: Definitions): JsonRecord {
  if (typeof schema.$ref !== 'string') return schema;
  const match = /^#\/(?:\$defs|definitions)\/(.+)$/.exec(schema.$ref);
  const target = match ? definitions[decodeURIComponent(match[1])] : undefined;
  const { $ref: _reference, ...siblings } = schema;
  return isRecord(target) ? { ...target, ...siblings } : siblings;
}

/** `allOf` members merged into one schema (properties and required lists joined). */
function mergeAllOf(schema: JsonRecord, definitions: Definitions): JsonRecord {
  if (!Array.isArray(schema.allOf)) return schema;
  const { allOf, ...rest } = schema;
  let merged: JsonRecord = rest;
  for (const member of allOf as unknown[]) {
    if (!isRecord(member)) continue;
    const resolved = resolveReference(member, definitions);
    merged = {
      ...resolved,
      ...merged,
      properties: {
        ...(isRecord(resolved.properties) ? resolved.properties : {}),
        ...(isRecord(merged.properties) ? merged.properties : {}),
      },
      required: [
        ...(Array.isArray(resolved.required) ? (resolved.required as unknown[]) : []),
        ...(Array.isArray(merged.required) ? (merged.required as unknown[]) : []),
      ],
    };
  }
  return merged;
}

function isNullSchema(value: unknown): boolean {
  return isRecord(value) && value.type === 'null';
}

function convert(input: unknown, definitions: Definitions, depth: number): JsonRecord {
  if (!isRecord(input)) return {};
  if (depth > MAX_DEPTH) return { type: 'object' };
  const schema = mergeAllOf(resolveReference(input, definitions), definitions);
  const result: JsonRecord = {};

  let type = schema.type;
  if (Array.isArray(type)) {
    const types = (type as unknown[]).filter((entry): entry is string => typeof entry === 'string');
    if (types.includes('null')) result.nullable = true;
    const nonNull = types.filter((entry) => entry !== 'null');
    if (nonNull.length === 1) type = nonNull[0];
    else if (nonNull.length > 1) {
      result.anyOf = nonNull.map((entry) => convert({ ...schema, type: entry }, definitions, depth + 1));
      type = undefined;
    } else type = undefined;
  }
  if (typeof type === 'string' && type !== 'null') result.type = type;

  const alternatives = Array.isArray(schema.anyOf)
    ? schema.anyOf
    : Array.isArray(schema.oneOf)
      ? schema.oneOf
      : null;
  if (alternatives) {
    const members = (alternatives as unknown[]).filter((member) => !isNullSchema(member));
    if (members.length < alternatives.length) result.nullable = true;
    const converted = members.map((member) => convert(member, definitions, depth + 1));
    if (converted.length === 1)
      Object.assign(result, converted[0], result.nullable ? { nullable: true } : {});
    else if (converted.length > 1) result.anyOf = converted;
  }

  if (schema.const !== undefined && typeof schema.const === 'string') {
    result.enum = [schema.const];
    result.type ??= 'string';
  }

  for (const [key, value] of Object.entries(schema)) {
    if (!KEPT_KEYS.has(key) || key in result || key === 'anyOf' || key === 'type') continue;
    switch (key) {
      case 'properties': {
        if (!isRecord(value)) break;
        const properties: JsonRecord = {};
        for (const [name, property] of Object.entries(value))
          properties[name] = convert(property, definitions, depth + 1);
        if (Object.keys(properties).length > 0) result.properties = properties;
        break;
      }
      case 'items':
        if (isRecord(value)) result.items = convert(value, definitions, depth + 1);
        break;
      case 'enum':
        if (Array.isArray(value) && value.length > 0 && value.every((entry) => typeof entry === 'string')) {
          result.enum = value;
          result.type ??= 'string';
        }
        break;
      case 'format': {
        const allowed = typeof result.type === 'string' ? FORMATS_BY_TYPE[result.type] : undefined;
        if (typeof value === 'string' && allowed?.has(value)) result.format = value;
        break;
      }
      default:
        result[key] = value;
    }
  }

  if (Array.isArray(result.required)) {
    const names = isRecord(result.properties) ? Object.keys(result.properties) : [];
    const required = [
      ...new Set(
        (result.required as unknown[]).filter(
          (name): name is string => typeof name === 'string' && names.includes(name),
        ),
      ),
    ];
    if (required.length > 0) result.required = required;
    else delete result.required;
  }
  return result;
}

export function toGeminiSchema(schema: unknown): JsonRecord {
  return isRecord(schema) ? convert(schema, definitionsOf(schema), 0) : {};
}
