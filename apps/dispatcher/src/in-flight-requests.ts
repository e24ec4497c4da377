import type { Gauge } from 'prom-client';
import type { ReplyChannel } from './reply-channel';

interface InFlight {
  abort: AbortController;
  channel: ReplyChannel;
  provider: string;
}

const HEARTBEAT_INTERVAL_MS = 1000;

/**
 * Requests this dispatcher is working on: cancellation by request id (`dispatch.<p>.cancel.v1`),
 * heartbeats to requesters while the upstream is silent, and a count to drain on shutdown.
 */
export class InFlightRequests {
  private readonly requests = new Map<string, InFlight>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(private readonly gauge?: Gauge<'provider'>) {
    this.heartbeat = setInterval(() => this.sendHeartbeats(), HEARTBEAT_INTERVAL_MS / 2);
    this.heartbeat.unref();
  }

  add(requestId: string, provider: string, channel: ReplyChannel): AbortController {
    const abort = new AbortController();
    this.requests.set(requestId, { abort, channel, provider });
    this.gauge?.inc({ provider });
    return abort;
  }

  remove(requestId: string): void {
    const request = this.requests.get(requestId);
    if (!request) return;
    this.requests.delete(requestId);
    this.gauge?.dec({ provider: request.provider });
    if (this.requests.size === 0) for (const waiter of this.idleWaiters.splice(0)) waiter();
  }

  /** aborts the request if this process holds it; false otherwise (another replica does). */
  cancel(requestId: string): boolean {
    const request = this.requests.get(requestId);
    if (!request) return false;
    request.abort.abort();
    return true;
  }

  get size(): number {
    return this.requests.size;
  }

  /** resolves when nothing is in flight, or false after the timeout. */
  async drained(timeoutMs: number): Promise<boolean> {
    if (this.requests.size === 0) return true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  stop(): void {
    clearInterval(this.heartbeat);
  }

  private sendHeartbeats(): void {
    const now = Date.now();
    for (const { channel } of this.requests.values()) {
      if (now - channel.lastSentAt >= HEARTBEAT_INTERVAL_MS) channel.send({ type: 'heartbeat' });
    }
  }
}
