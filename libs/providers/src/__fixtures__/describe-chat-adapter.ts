import type { FinishReason, GatewayError, TokenUsage } from '@switchyard/contracts';
import { decodeSse } from '../shared/sse-decoder';
import type { Provider, SseEvent, UpstreamTarget } from '../shared/spec';
import { fixedClock, readFixture, thrownGatewayError } from './fixture-helpers';

/** A provider's recorded wire fixtures, for the rules every chat adapter keeps. */
export interface ChatAdapterFixtures {
  /** the spec's `__dirname`: fixtures are read from its `__fixtures__/`. */
  directory: string;
  target: UpstreamTarget;
  /** a recorded stream, and what its end reports. */
  stream: { fixture: string; usage: TokenUsage; finishReason: FinishReason };
  /** what the provider sends when it fails in the middle of a stream. */
  errorEvent: SseEvent;
  /** an event of the provider's own kind whose body is broken. */
  malformedEvent: SseEvent;
  /** the recorded answer to an invalid key (sent with `status`). */
  invalidKey: { status: number; fixture: string };
  /** the recorded answer of a provider out of capacity (rate limit, overload), and its status. */
  overloaded: { status: number; fixture: string };
}

/** A JSON body whose messages repeat the key, as a provider that echoes a bad key sends them. */
function echoingKey(bodyText: string, apiKey: string): string {
  const echo = (value: unknown, field = ''): unknown => {
    if (typeof value === 'string' && /message|detail/i.test(field)) return `${value} (key ${apiKey})`;
    if (Array.isArray(value)) return value.map((item) => echo(item, field));
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, echo(item, key)]));
    }
    return value;
  };
  return JSON.stringify(echo(JSON.parse(bodyText) as unknown));
}

function expectNoKey(error: GatewayError, apiKey: string): void {
  expect(error.message).not.toContain(apiKey);
  expect(JSON.stringify(error.toPayload())).not.toContain(apiKey);
}

/**
 * The conformance suite of a chat adapter: usage comes at the end of a stream, a malformed event
 * is a 502, an error event is retryable, and no key appears in any message. What only one provider
 * does stays in its own spec.
 */
export function describeChatAdapter(provider: Provider, fixtures: ChatAdapterFixtures): void {
  const { target } = fixtures;
  const sut = provider.withClock(fixedClock);
  const read = (fixture: string) => readFixture(fixtures.directory, fixture);

  describe(`${provider.kind} chat adapter conformance`, () => {
    it('ends a recorded stream with its usage: one usage-only chunk, the last one', () => {
      const parser = sut.chat.createStreamParser(target);

      const chunks = [
        ...decodeSse(read(fixtures.stream.fixture)).flatMap((event) => parser.push(event)),
        ...parser.end(),
      ];

      const withUsage = chunks.filter((chunk) => chunk.usage);
      expect(withUsage).toHaveLength(1);
      expect(chunks.at(-1)).toBe(withUsage[0]);
      expect(withUsage[0].choices).toEqual([]);
      expect(withUsage[0].usage).toMatchObject({
        prompt_tokens: fixtures.stream.usage.input.total,
        completion_tokens: fixtures.stream.usage.output.total,
      });
      expect(parser.done).toBe(true);
      expect(parser.summary()).toEqual({
        usage: fixtures.stream.usage,
        finishReason: fixtures.stream.finishReason,
      });
    });

    it('answers a malformed event with a retryable 502 naming the provider', () => {
      const parser = sut.chat.createStreamParser(target);

      const error = thrownGatewayError(() => parser.push(fixtures.malformedEvent));

      expect(error).toMatchObject({ status: 502, provider: target.provider, isRetryable: true });
      expect(error.message.startsWith(`${target.provider}: `)).toBe(true);
    });

    it('makes an error event a retryable error naming the provider', () => {
      const parser = sut.chat.createStreamParser(target);

      const error = thrownGatewayError(() => parser.push(fixtures.errorEvent));

      expect(error).toMatchObject({ provider: target.provider, isRetryable: true });
      expect(error.status === 429 || error.status >= 500).toBe(true);
      expect(parser.done).toBe(false);
    });

    it('maps its recorded invalid-key answer to a 401 that is not retried', () => {
      const error = sut.parseError(fixtures.invalidKey.status, read(fixtures.invalidKey.fixture), {}, target);

      expect(error).toMatchObject({ status: 401, provider: target.provider, isRetryable: false });
    });

    it('maps its recorded overload answer to a retryable error', () => {
      const error = sut.parseError(fixtures.overloaded.status, read(fixtures.overloaded.fixture), {}, target);

      expect(error).toMatchObject({ status: fixtures.overloaded.status, provider: target.provider });
      expect(error.isRetryable).toBe(true);
    });

    it('never repeats the key in any message: error answers, error events, malformed events, error pages', () => {
      const { apiKey } = target;
      const answers = [fixtures.invalidKey, fixtures.overloaded].map(({ status, fixture }) =>
        sut.parseError(status, echoingKey(read(fixture), apiKey), {}, target),
      );
      const page = sut.parseError(502, `<html><body>Bad gateway for ${apiKey}</body></html>`, {}, target);
      const event = thrownGatewayError(() =>
        sut.chat
          .createStreamParser(target)
          .push({ ...fixtures.errorEvent, data: echoingKey(fixtures.errorEvent.data, apiKey) }),
      );
      const malformed = thrownGatewayError(() =>
        sut.chat
          .createStreamParser(target)
          .push({ ...fixtures.malformedEvent, data: `${fixtures.malformedEvent.data} ${apiKey}` }),
      );

      for (const error of [...answers, page, event, malformed]) expectNoKey(error, apiKey);
    });
  });
}
