import type { HttpAdapterHost } from '@nestjs/core';
import type Redis from 'ioredis';
import type { NatsConnection } from 'nats';
import type { StreamRequester, UsagePublisher } from '@switchyard/bus';
import { AdmittedCalls } from './limits/admitted-calls';
import { HTTP_DRAIN_MS, InfrastructureShutdown } from './ingress-shutdown';

describe(InfrastructureShutdown.name, () => {
  let steps: string[];
  let calls: AdmittedCalls;
  let server: { closeAllConnections: jest.Mock };
  let sut: InfrastructureShutdown;

  beforeEach(() => {
    jest.useFakeTimers();
    steps = [];
    calls = new AdmittedCalls();
    server = { closeAllConnections: jest.fn(() => steps.push('client calls cut')) };
    sut = new InfrastructureShutdown(
      { drain: async () => void steps.push('bus drained') } as unknown as NatsConnection,
      { flush: async () => void steps.push('usage flushed') } as unknown as UsagePublisher,
      { close: async () => void steps.push('streams closed') } as unknown as StreamRequester,
      { disconnect: () => steps.push('redis closed') } as unknown as Redis,
      calls,
      { httpAdapter: { getHttpServer: () => server } } as unknown as HttpAdapterHost,
    );
  });

  afterEach(() => jest.useRealTimers());

  it('cuts client calls still open after the drain time, so they are cancelled and settle', async () => {
    sut.beforeApplicationShutdown();
    await jest.advanceTimersByTimeAsync(HTTP_DRAIN_MS - 1);
    expect(server.closeAllConnections).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);
    expect(server.closeAllConnections).toHaveBeenCalledTimes(1);
  });

  it('releases what calls that never settled still hold, and waits for it, before closing Redis, then flushes usage', async () => {
    calls.hold(() => {
      steps.push('released');
      calls.track(Promise.resolve().then(() => void steps.push('release written')));
    });
    const settledLater = calls.hold(() => steps.push('never: this call settled by itself'));
    setTimeout(settledLater, 100);
    const shutdown = sut.onApplicationShutdown();
    await jest.advanceTimersByTimeAsync(60_000);
    await shutdown;
    expect(steps).toEqual([
      'released',
      'release written',
      'redis closed',
      'usage flushed',
      'streams closed',
      'bus drained',
    ]);
  });
});
