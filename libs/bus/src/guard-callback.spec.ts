import { Logger } from '@nestjs/common';
import type { Msg } from 'nats';
import { busCallbackFailures } from '@switchyard/telemetry/bus-metrics';
import { guardCallback } from './guard-callback';

const message = { subject: 'x', data: new Uint8Array() } as unknown as Msg;

async function failuresOf(subscription: string): Promise<number> {
  const metric = await busCallbackFailures.get();
  return metric.values.find((value) => value.labels.subscription === subscription)?.value ?? 0;
}

describe(guardCallback.name, () => {
  beforeEach(() => jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  it('passes messages through while the callback does not throw', () => {
    const seen: Msg[] = [];
    const sut = guardCallback('test-pass', (_error, received) => seen.push(received));
    sut(null, message);
    expect(seen).toEqual([message]);
  });

  it('catches an exception, counts it, and hands it to onFailure with its message', async () => {
    const failures: [unknown, Msg][] = [];
    const thrown = new TypeError('boom');
    const sut = guardCallback(
      'test-throw',
      () => {
        throw thrown;
      },
      (failure, received) => failures.push([failure, received]),
    );
    expect(() => sut(null, message)).not.toThrow();
    expect(failures).toEqual([[thrown, message]]);
    expect(await failuresOf('test-throw')).toBe(1);
  });

  it('survives an onFailure that throws too, counting both', async () => {
    const sut = guardCallback(
      'test-twice',
      () => {
        throw new Error('first');
      },
      () => {
        throw new Error('second');
      },
    );
    expect(() => sut(null, message)).not.toThrow();
    expect(await failuresOf('test-twice')).toBe(2);
  });
});
