import type { GatewayError, TokenUsage } from '@switchyard/contracts';
import type { Provider, SseEvent, UpstreamTarget } from '../shared/spec';
import { fixedClock, readFixture, thrownGatewayError } from './fixture-helpers';

/** A provider's Responses wire samples, for the rules every native Responses adapter keeps. */
export interface ResponsesAdapterFixtures {
  /** the spec's `__dirname`: error fixtures are read from its `__fixtures__/`. */
  directory: string;
  target: UpstreamTarget;
  /** a whole stream (as decoded SSE events), and the usage and status its end reports. */
  stream: { events: SseEvent[]; usage: TokenUsage; status: string };
  /** the provider's in-stream error event (a server error). */
  errorEvent: SseEvent;
  /** an event whose JSON is broken. */
  malformedEvent: SseEvent;
  invalidKey: { status: number; fixture: string };
  overloaded: { status: number; fixture: string };
}

function expectNoKey(error: GatewayError, apiKey: string): void {
  expect(error.message).not.toContain(apiKey);
  expect(JSON.stringify(error.toPayload())).not.toContain(apiKey);
}

/**
 * The conformance suite of a native Responses adapter, mirroring `describeChatAdapter`: every
 * event passes through in order, usage comes from the final event, a malformed event is a 502, an
 * error event is retryable, and no key appears in any message.
 */
export function describeResponsesAdapter(provider: Provider, fixtures: ResponsesAdapterFixtures): void {
  const { target } = fixtures;
  const sut = provider.withClock(fixedClock);
  const read = (fixture: string) => readFixture(fixtures.directory, fixture);
  const translator = () => {
    if (!sut.responses) throw new Error(`${provider.kind} has no responses capability`);
    return sut.responses;
  };

  describe(`${provider.kind} responses adapter conformance`, () => {
    it('passes every event through in order and reads the usage from the final event', () => {
      const parser = translator().createStreamParser(target);

      const events = [...fixtures.stream.events.flatMap((event) => parser.push(event)), ...parser.end()];

      expect(events).toEqual(fixtures.stream.events.map((event) => JSON.parse(event.data) as unknown));
      expect(parser.done).toBe(true);
      expect(parser.summary()).toEqual({ usage: fixtures.stream.usage, status: fixtures.stream.status });
    });

    it('holds the opening events back until something follows them', () => {
      const parser = translator().createStreamParser(target);
      const [created, inProgress, next] = fixtures.stream.events;

      expect([...parser.push(created), ...parser.push(inProgress)]).toEqual([]);
      expect(parser.push(next).map((event) => event.type)).toEqual([
        'response.created',
        'response.in_progress',
        (JSON.parse(next.data) as { type: string }).type,
      ]);
    });

    it('answers a malformed event with a retryable 502 naming the provider', () => {
      const parser = translator().createStreamParser(target);

      const error = thrownGatewayError(() => parser.push(fixtures.malformedEvent));

      expect(error).toMatchObject({ status: 502, provider: target.provider, isRetryable: true });
      expect(error.code).toBe('bad_upstream_response');
    });

    it('makes an error event a retryable error naming the provider, at the end of the body', () => {
      const parser = translator().createStreamParser(target);
      const [created] = fixtures.stream.events;
      parser.push(created);
      parser.push(fixtures.errorEvent);

      const error = thrownGatewayError(() => parser.end());

      expect(error).toMatchObject({ provider: target.provider, isRetryable: true });
      expect(error.status === 429 || error.status >= 500).toBe(true);
      expect(parser.done).toBe(false);
    });

    it('maps its invalid-key answer to a 401 that is not retried, and its overload to a retryable error', () => {
      const invalid = sut.parseError(
        fixtures.invalidKey.status,
        read(fixtures.invalidKey.fixture),
        {},
        target,
      );
      const overloaded = sut.parseError(
        fixtures.overloaded.status,
        read(fixtures.overloaded.fixture),
        {},
        target,
      );

      expect(invalid).toMatchObject({ status: 401, provider: target.provider, isRetryable: false });
      expect(overloaded).toMatchObject({ status: fixtures.overloaded.status, isRetryable: true });
    });

    it('never repeats the key in any message: request, error events, malformed events', () => {
      const { apiKey } = target;
      const request = translator().buildRequest({ model: 'client-model', input: 'hi' }, target, {
        stream: true,
      });
      expect(request.body).not.toContain(apiKey);
      expect(request.url).not.toContain(apiKey);
      const echoed = JSON.parse(fixtures.errorEvent.data) as Record<string, unknown>;
      const withKey = JSON.stringify(echoed).replace(/"message":"/g, `"message":"${apiKey} `);
      const parser = translator().createStreamParser(target);
      parser.push({ ...fixtures.errorEvent, data: withKey });
      const event = thrownGatewayError(() => parser.end());
      const malformed = thrownGatewayError(() =>
        translator()
          .createStreamParser(target)
          .push({ ...fixtures.malformedEvent, data: `${fixtures.malformedEvent.data} ${apiKey}` }),
      );

      for (const error of [event, malformed]) expectNoKey(error, apiKey);
    });
  });
}
