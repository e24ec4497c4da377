import { UsageEvent } from '@switchyard/contracts';
import { makeUsageEvent } from '@switchyard/testing';
import { readUsageEvent } from './read-usage-event';

type Json = Record<string, unknown>;

/** A copy of `event` with the value at `path` replaced (`undefined`: the field removed). */
function withValue(event: Json, path: string, value: unknown): Json {
  const copy = JSON.parse(JSON.stringify(event)) as Json;
  const keys = path.split('.');
  let target = copy;
  for (const key of keys.slice(0, -1)) target = target[key] as Json;
  if (value === undefined) delete target[keys[keys.length - 1]];
  else target[keys[keys.length - 1]] = value;
  return copy;
}

const routed = (): Json =>
  makeUsageEvent({
    route: {
      router: 'opencodego-router',
      tier: 'COMPLEX',
      score: 0.31,
      cause: 'learned',
      dimensions: { code: 0.4, length: -0.1 },
    },
    metadata: { team: 'a', nested: { depth: [1, 2] } },
    keyId: 'key-1',
  });

const plain = (): Json => makeUsageEvent();

/** Values that zod refuses, field by field, each a different kind of mistake. */
const BROKEN: readonly [string, unknown][] = [
  ['eventId', 'not-a-uuid'],
  ['eventId', undefined],
  ['requestId', ''],
  ['requestId', 7],
  ['attempt', -1],
  ['attempt', 1.5],
  ['retry', '0'],
  ['kind', 'other'],
  ['status', null],
  ['httpStatus', 200.5],
  ['errorType', 3],
  ['endpoint', 'completions'],
  ['stream', 'true'],
  ['startedAt', '2026-11-26 10:00:00'],
  ['startedAt', '2026-02-30T10:00:00.000Z'],
  ['startedAt', '2026-11-26T10:00:00+01:00'],
  ['modelGroup', null],
  ['model', undefined],
  ['deploymentId', 1],
  ['provider', []],
  ['providerModel', {}],
  ['route', 'opencodego-router'],
  ['route.router', null],
  ['route.tier', 'HARD'],
  ['route.score', '0.3'],
  ['route.cause', 'magic'],
  ['route.dimensions', { code: 'high' }],
  ['tokens', null],
  ['tokens.input.total', -5],
  ['tokens.input.cacheRead', 1.25],
  ['tokens.input.noCache', undefined],
  ['tokens.output.reasoning', '3'],
  ['usageEstimated', 0],
  ['costUsd', -0.01],
  ['costUsd', '0.01'],
  ['savedCostUsd', -1],
  ['baselineCostUsd', true],
  ['latencyMs', -3],
  ['latencyMs', null],
  ['ttftMs', -1],
  ['keyId', 5],
  ['sessionId', false],
  ['user', undefined],
  ['metadata', 'team=a'],
  ['metadata', [1, 2]],
];

describe(readUsageEvent.name, () => {
  const sut = readUsageEvent;

  it.each([
    ['a plain event', plain()],
    ['a routed event with metadata', routed()],
    ['nullable fields null', withValue(withValue(plain(), 'costUsd', null), 'route', null)],
    [
      'a route without tier or score',
      withValue(withValue(routed(), 'route.tier', null), 'route.score', null),
    ],
  ])('accepts what zod accepts: %s', (_name, event) => {
    expect(UsageEvent.safeParse(event).success).toBe(true);
    const reading = sut(event);
    expect(reading.success).toBe(true);
    expect(reading.success && reading.data).toEqual(UsageEvent.parse(event));
  });

  it.each(BROKEN)('refuses %s = %j as zod does, with zod naming the field', (path, value) => {
    for (const event of [plain(), routed()]) {
      if (path.startsWith('route.') && event.route === null) continue;
      const broken = withValue(event, path, value);
      const expected = UsageEvent.safeParse(broken);
      expect(expected.success).toBe(false);
      const reading = sut(broken);
      expect(reading.success).toBe(false);
      if (!reading.success && !expected.success) {
        expect(reading.error.issues[0].path).toEqual(expected.error.issues[0].path);
      }
    }
  });

  it('returns an accepted event as it came, without the copy zod would make', () => {
    const event = plain();
    const reading = sut(event);
    expect(reading.success && reading.data).toBe(event);
  });

  it.each(['latencyMs', 'costUsd', 'ttftMs'])(
    'refuses %s = 1e999 (Infinity once parsed), as zod does',
    (field) => {
      const text = JSON.stringify(plain()).replace(new RegExp(`"${field}":[^,}]+`), `"${field}":1e999`);
      const parsed: unknown = JSON.parse(text);
      expect(UsageEvent.safeParse(parsed).success).toBe(false);
      expect(sut(parsed).success).toBe(false);
    },
  );

  it('reads an event with a field this version does not know through zod, which drops it', () => {
    const event = { ...plain(), addedLater: 1 };
    const reading = sut(event);
    expect(reading.success).toBe(true);
    expect(reading.success && reading.data).not.toHaveProperty('addedLater');
  });

  it('refuses what is not an object', () => {
    for (const value of [null, 'event', 42, [plain()]]) expect(sut(value).success).toBe(false);
  });
});
