import fc from 'fast-check';
import { JsonDepthMeter } from './json-depth-meter';

/** How deeply arrays and objects nest in a parsed JSON value. */
function depthOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depthOf));
  if (value !== null && typeof value === 'object')
    return 1 + Math.max(0, ...Object.values(value).map(depthOf));
  return 0;
}

describe(JsonDepthMeter.name, () => {
  it('agrees with the parsed depth of any JSON, however the text is cut into chunks', () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 8 }),
        fc.integer({ min: 0, max: 8 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (value, limit, cuts) => {
          const bytes = Buffer.from(JSON.stringify(value), 'utf8');
          const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
          const sut = new JsonDepthMeter(limit);
          let within = true;
          let start = 0;
          for (const point of [...points, bytes.length]) {
            within = sut.feed(bytes.subarray(start, point)) && within;
            start = point;
          }
          expect(within).toBe(depthOf(value) <= limit);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('does not count brackets inside strings, escaped quotes included, across chunk boundaries', () => {
    const sut = new JsonDepthMeter(1);

    expect(sut.feed(Buffer.from('{"a": "[[[ \\'))).toBe(true);
    expect(sut.feed(Buffer.from('" {{{", "b": 1}'))).toBe(true);
    expect(sut.feed(Buffer.from('[['))).toBe(false);
  });
});
