import { toGeminiSchema } from './gemini-schema';

describe(toGeminiSchema.name, () => {
  const sut = toGeminiSchema;

  it('drops the JSON-schema keys Gemini rejects', () => {
    const schema = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      additionalProperties: false,
      properties: {
        filePath: { type: 'string', description: 'Absolute path', format: 'uri', examples: ['/a'] },
        limit: { type: 'integer', format: 'int32', exclusiveMinimum: 0, default: 2000 },
        when: { type: 'string', format: 'date-time' },
      },
      required: ['filePath', 'missing'],
    };

    expect(sut(schema)).toEqual({
      type: 'object',
      properties: {
        filePath: { type: 'string', description: 'Absolute path' },
        limit: { type: 'integer', format: 'int32' },
        when: { type: 'string', format: 'date-time' },
      },
      required: ['filePath'],
    });
  });

  it('inlines $ref definitions, turns oneOf into anyOf and null types into nullable', () => {
    const schema = {
      type: 'object',
      $defs: { Mode: { type: 'string', enum: ['fast', 'slow'] } },
      properties: {
        mode: { $ref: '#/$defs/Mode' },
        note: { type: ['string', 'null'] },
        target: { oneOf: [{ type: 'string' }, { type: 'number' }] },
        optional: { anyOf: [{ type: 'integer' }, { type: 'null' }] },
        kind: { const: 'edit' },
      },
    };

    expect(sut(schema)).toEqual({
      type: 'object',
      properties: {
        mode: { type: 'string', enum: ['fast', 'slow'] },
        note: { type: 'string', nullable: true },
        target: { anyOf: [{ type: 'string' }, { type: 'number' }] },
        optional: { type: 'integer', nullable: true },
        kind: { type: 'string', enum: ['edit'] },
      },
    });
  });

  it('converts nested arrays and drops empty property maps', () => {
    const schema = {
      type: 'object',
      properties: {
        edits: {
          type: 'array',
          items: {
            type: 'object',
            properties: { oldString: { type: 'string' } },
            additionalProperties: false,
          },
        },
        options: { type: 'object', properties: {} },
      },
    };

    expect(sut(schema)).toEqual({
      type: 'object',
      properties: {
        edits: { type: 'array', items: { type: 'object', properties: { oldString: { type: 'string' } } } },
        options: { type: 'object' },
      },
    });
  });

  it('cuts recursive references instead of looping forever', () => {
    const schema = {
      type: 'object',
      definitions: { Node: { type: 'object', properties: { child: { $ref: '#/definitions/Node' } } } },
      properties: { root: { $ref: '#/definitions/Node' } },
    };

    const converted = JSON.stringify(sut(schema));

    expect(converted).toContain('"child"');
    expect(converted.length).toBeLessThan(5000);
  });
});
