type JsonRecord = Record<string, unknown>;

function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Google's `Schema` (an OpenAPI 3.0 subset: upper-case `type`, `nullable`) → JSON Schema, which
 * the canonical request's tools and `response_format` carry: types lower-cased, `nullable: true`
 * as a `"null"` type, sub-schemas (`properties`, `items`, `anyOf`) converted the same way.
 */
export function fromGeminiSchema(schema: JsonRecord): JsonRecord {
  const converted: JsonRecord = {};
  for (const [key, value] of Object.entries(schema)) {
    switch (key) {
      case 'type':
        converted.type = typeof value === 'string' ? value.toLowerCase() : value;
        break;
      case 'nullable':
        break;
      case 'properties':
        converted.properties = isRecord(value)
          ? Object.fromEntries(
              Object.entries(value).map(([name, property]) => [
                name,
                isRecord(property) ? fromGeminiSchema(property) : property,
              ]),
            )
          : value;
        break;
      case 'items':
        converted.items = isRecord(value) ? fromGeminiSchema(value) : value;
        break;
      case 'anyOf':
        converted.anyOf = Array.isArray(value)
          ? (value as unknown[]).map((entry) => (isRecord(entry) ? fromGeminiSchema(entry) : entry))
          : value;
        break;
      case 'propertyOrdering':
        break;
      default:
        converted[key] = value;
    }
  }
  if (schema.nullable === true && typeof converted.type === 'string') {
    converted.type = [converted.type, 'null'];
  }
  return converted;
}
