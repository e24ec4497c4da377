import { buildToolArguments, findNamedTool, namesTool } from './tool-arguments';

describe('buildToolArguments', () => {
  it('gives each required property a sample value by type and leaves optional ones out', () => {
    const sut = buildToolArguments({
      type: 'object',
      properties: {
        filePath: { type: 'string' },
        limit: { type: 'number' },
        offset: { type: 'integer' },
        replaceAll: { type: 'boolean' },
        optional: { type: 'string' },
      },
      required: ['filePath', 'limit', 'offset', 'replaceAll'],
    });
    expect(sut).toEqual({ filePath: 'mock-filePath', limit: 1, offset: 1, replaceAll: true });
    expect(Object.keys(sut)).toEqual(['filePath', 'limit', 'offset', 'replaceAll']);
  });

  it('uses enum, const, the first option of anyOf, nullable types, arrays and nested objects', () => {
    const sut = buildToolArguments({
      type: 'object',
      properties: {
        unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
        kind: { const: 'fixed' },
        either: { anyOf: [{ type: 'null' }, { type: 'integer' }] },
        maybe: { type: ['null', 'boolean'] },
        tags: { type: 'array', items: { type: 'string' } },
        empty: { type: 'array' },
        todo: {
          type: 'object',
          properties: { id: { type: 'string' }, done: { type: 'boolean' }, note: { type: 'string' } },
          required: ['id', 'done'],
        },
        untyped: {},
      },
      required: ['unit', 'kind', 'either', 'maybe', 'tags', 'empty', 'todo', 'untyped'],
    });
    expect(sut).toEqual({
      unit: 'celsius',
      kind: 'fixed',
      either: 1,
      maybe: true,
      tags: ['mock-tags'],
      empty: [],
      todo: { id: 'mock-id', done: true },
      untyped: 'mock-untyped',
    });
  });

  it('reads Gemini upper-case types', () => {
    const sut = buildToolArguments({
      type: 'OBJECT',
      properties: { city: { type: 'STRING' }, days: { type: 'INTEGER' } },
      required: ['city', 'days'],
    });
    expect(sut).toEqual({ city: 'mock-city', days: 1 });
  });

  it('gives an empty object for a schema without required properties or no schema', () => {
    expect(buildToolArguments({ type: 'object', properties: { a: { type: 'string' } } })).toEqual({});
    expect(buildToolArguments(undefined)).toEqual({});
  });
});

describe('namesTool', () => {
  it('matches a whole word, case-insensitively', () => {
    expect(namesTool('Please READ the file', 'read')).toBe(true);
    expect(namesTool('read.', 'read')).toBe(true);
    expect(namesTool('already done', 'read')).toBe(false);
    expect(namesTool('reader', 'read')).toBe(false);
    expect(namesTool('use get_weather now', 'get_weather')).toBe(true);
    expect(namesTool('use get_weathers now', 'get_weather')).toBe(false);
  });
});

describe('findNamedTool', () => {
  it('picks the first tool in request order that the text names', () => {
    const tools = [
      { name: 'bash', description: '', parameters: {} },
      { name: 'read', description: '', parameters: {} },
      { name: 'glob', description: '', parameters: {} },
    ];
    expect(findNamedTool('glob then read', tools)?.name).toBe('read');
    expect(findNamedTool('nothing here', tools)).toBeUndefined();
  });
});
