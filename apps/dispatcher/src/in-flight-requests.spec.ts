import { InFlightRequests } from './in-flight-requests';
import type { ReplyChannel } from './reply-channel';

const channel = { lastSentAt: Date.now(), send: () => undefined } as unknown as ReplyChannel;

describe(InFlightRequests.name, () => {
  let sut: InFlightRequests;

  beforeEach(() => (sut = new InFlightRequests()));
  afterEach(() => sut.stop());

  it('keeps two attempts of one call apart: a cancel stops both, and each leaves on its own', async () => {
    const stalled = sut.add('call-1', 'openai', channel);
    const redispatched = sut.add('call-1', 'openai', channel);
    expect(sut.size).toBe(2);
    expect(sut.cancel('call-1')).toBe(true);
    expect([stalled.signal.aborted, redispatched.signal.aborted]).toEqual([true, true]);
    sut.remove('call-1', stalled);
    expect(sut.size).toBe(1);
    expect(await sut.drained(0)).toBe(false);
    sut.remove('call-1', redispatched);
    expect(await sut.drained(0)).toBe(true);
  });

  it('cancels everything still in flight at shutdown', () => {
    const first = sut.add('call-1', 'openai', channel);
    const second = sut.add('call-2', 'anthropic', channel);
    sut.cancelAll();
    expect([first.signal.aborted, second.signal.aborted]).toEqual([true, true]);
  });
});
