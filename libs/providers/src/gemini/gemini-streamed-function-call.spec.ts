import { GatewayError } from '@switchyard/contracts';
import { GeminiStreamedFunctionCall } from './gemini-streamed-function-call';

describe(GeminiStreamedFunctionCall.name, () => {
  it('assembles streamed arguments, appending a string that continues', () => {
    const sut = new GeminiStreamedFunctionCall('edit', { path: 'a.ts' }, undefined);

    sut.add({ jsonPath: '$.lines[0]', numberValue: 3 });
    sut.add({ jsonPath: '$.text', stringValue: 'Hello, ', willContinue: true });
    sut.add({ jsonPath: '$.text', stringValue: 'world' });

    expect(sut.args).toEqual({ path: 'a.ts', lines: [3], text: 'Hello, world' });
  });

  it.each(['$.__proto__.polluted', '$.constructor.prototype.polluted', "$['__proto__'].polluted"])(
    'refuses a path that would reach a prototype (%s) as a malformed response',
    (jsonPath) => {
      const sut = new GeminiStreamedFunctionCall('edit', null, undefined);

      expect(() => sut.add({ jsonPath, boolValue: true })).toThrow(GatewayError);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
  );

  it('refuses an array index far past the end instead of making a huge sparse array', () => {
    const sut = new GeminiStreamedFunctionCall('edit', null, undefined);
    sut.add({ jsonPath: '$.items[0]', numberValue: 1 });

    expect(() => sut.add({ jsonPath: '$.items[20000000]', numberValue: 2 })).toThrow(
      expect.objectContaining({ status: 502, code: 'bad_upstream_response' }),
    );
    expect(sut.args).toEqual({ items: [1] });
  });
});
