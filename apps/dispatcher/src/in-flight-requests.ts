import { Inject, Injectable } from '@nestjs/common';
import { DispatcherMetrics } from '@switchyard/telemetry';
import type { Gauge } from 'prom-client';
/** What the heartbeat needs of a reply channel (chat's and responses' alike). */
export interface HeartbeatChannel {
  readonly lastSentAt: number;
  send(reply: { type: 'heartbeat' }): void;
}

interface InFlight {
  abort: AbortController;
  /** null for a single-reply request (embeddings): nothing to heartbeat. */
  channel: HeartbeatChannel | null;
  provider: string;
}

const HEARTBEAT_INTERVAL_MS = 1000;

/**
 * Requests this dispatcher is working on: cancellation by request id (`dispatch.<p>.cancel.v1`;
 * a redispatched call can have two attempts here under one id, and a cancel stops both),
 * heartbeats to requesters while the upstream is silent, and a count to drain on shutdown.
 */
@Injectable()
export class InFlightRequests {
  private readonly requests = new Map<string, InFlight[]>();
  private count = 0;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly idleWaiters: (() => void)[] = [];

  private readonly gauge: Gauge<'provider'> | undefined;

  constructor(@Inject(DispatcherMetrics) metrics: DispatcherMetrics | null = null) {
    this.gauge = metrics?.inFlight;
    this.heartbeat = setInterval(() => this.sendHeartbeats(), HEARTBEAT_INTERVAL_MS / 2);
    this.heartbeat.unref();
  }

  add(requestId: string, provider: string, channel: HeartbeatChannel | null): AbortController {
    const abort = new AbortController();
    const entries = this.requests.get(requestId);
    if (entries) entries.push({ abort, channel, provider });
    else this.requests.set(requestId, [{ abort, channel, provider }]);
    this.count += 1;
    this.gauge?.inc({ provider });
    return abort;
  }

  /** forgets the attempt that `add` returned `abort` for. */
  remove(requestId: string, abort: AbortController): void {
    const entries = this.requests.get(requestId);
    const index = entries?.findIndex((entry) => entry.abort === abort) ?? -1;
    if (!entries || index < 0) return;
    const [request] = entries.splice(index, 1);
    if (entries.length === 0) this.requests.delete(requestId);
    this.count -= 1;
    this.gauge?.dec({ provider: request.provider });
    if (this.count === 0) for (const waiter of this.idleWaiters.splice(0)) waiter();
  }

  /** aborts the request if this process holds it; false otherwise (another replica does). */
  cancel(requestId: string): boolean {
    const entries = this.requests.get(requestId);
    if (!entries) return false;
    for (const entry of entries) entry.abort.abort();
    return true;
  }

  /** aborts everything in flight (each attempt still records its usage and replies). */
  cancelAll(): void {
    for (const entries of this.requests.values()) for (const entry of entries) entry.abort.abort();
  }

  get size(): number {
    return this.count;
  }

  /** resolves when nothing is in flight, or false after the timeout. */
  async drained(timeoutMs: number): Promise<boolean> {
    if (this.count === 0) return true;
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
    for (const entries of this.requests.values()) {
      for (const { channel } of entries) {
        if (channel && now - channel.lastSentAt >= HEARTBEAT_INTERVAL_MS) channel.send({ type: 'heartbeat' });
      }
    }
  }
}
