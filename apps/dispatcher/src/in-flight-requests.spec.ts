import { InFlightRequests } from './in-flight-requests';
import type { ReplyChannel } from './reply-channel';

const channel = { lastSentAt: Date.now(), send: () => undefined } as unknown as ReplyChannel;

describe(InFlightRequests.name, () => {
  let sut: InFlightRequests;

  beforeEach(() => (sut = new InFlightRequests()));
  afterEach(() => {
    sut.stop();
    jest.useRealTimers();
  });

  it('holds a single-reply request (embeddings) for the drain and the cancel, without heartbeating it', async () => {
    jest.useFakeTimers();
    sut.stop();
    sut = new InFlightRequests();
    const sent: unknown[] = [];
    const chat = { lastSentAt: 0, send: (message: unknown) => sent.push(message) } as unknown as ReplyChannel;
    const call = sut.add('call-1', 'openai', chat);
    const embedding = sut.add('embed-1', 'openai', null);
    jest.advanceTimersByTime(2000);
    expect(sent).toContainEqual({ type: 'heartbeat' });
    sut.cancelAll();
    expect([call.signal.aborted, embedding.signal.aborted]).toEqual([true, true]);
    sut.remove('call-1', call);
    expect(sut.size).toBe(1);
    const drained = sut.drained(60_000);
    sut.remove('embed-1', embedding);
    expect(await drained).toBe(true);
  });

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
