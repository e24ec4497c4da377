import { malformedResponse } from './upstream-error';

export type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses the JSON of one stream event; a syntax error is an upstream fault (502), never a crash. */
export function parseEventJson(data: string, provider: string): unknown {
  try {
    return JSON.parse(data) as unknown;
  } catch {
    throw malformedResponse(provider, 'a stream event is not valid JSON');
  }
}

/** Parses a JSON text, or returns undefined when it is not JSON. */
export function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Drops keys whose value is `undefined`, so the serialized body and test expectations agree. */
export function compact<T extends JsonRecord>(record: T): T {
  for (const key of Object.keys(record)) {
    if (record[key] === undefined) delete record[key];
  }
  return record;
}
