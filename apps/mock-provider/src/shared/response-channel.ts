import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RequestLogEntry } from './request-log';

/** When and how a response is delivered: the latency and stream-fault knobs. */
export interface DeliveryPlan {
  latencyMs: number;
  ttftMs: number;
  chunkDelayMs: number;
  cutAfterChunks: number | null;
  malformedChunkAt: number | null;
}

export const IMMEDIATE: DeliveryPlan = {
  latencyMs: 0,
  ttftMs: 0,
  chunkDelayMs: 0,
  cutAfterChunks: null,
  malformedChunkAt: null,
};

/**
 * Writes one response on the raw Node response: JSON bodies and SSE event lists, with the
 * latency knobs, mid-stream cuts and malformed events, and records in the log entry what was sent
 * and whether the client went away first. With no delay and no fault, a stream is written in one
 * piece (the fast path benchmarks take).
 */
export class ResponseChannel {
  constructor(
    private readonly response: ServerResponse,
    private readonly entry: RequestLogEntry,
    /** aborted when the server closes, so pending delays do not hold the process. */
    private readonly shutdown: AbortSignal,
  ) {
    response.once('close', () => {
      const now = Date.now();
      if (!response.writableFinished && !entry.cutByFault && entry.closedEarlyAt === null)
        entry.closedEarlyAt = now;
      entry.finishedAt ??= now;
    });
  }

  /** true once the client (or a cut) closed the connection. */
  get closed(): boolean {
    return this.response.destroyed;
  }

  async sendJson(
    status: number,
    body: string,
    headers: OutgoingHttpHeaders,
    delivery: DeliveryPlan,
  ): Promise<void> {
    if (!(await this.pause(delivery.latencyMs + delivery.ttftMs))) return;
    const payload = Buffer.from(body);
    this.entry.status = status;
    this.response.writeHead(status, {
      ...headers,
      'content-type': 'application/json',
      'content-length': payload.length,
    });
    if (delivery.cutAfterChunks === null) {
      this.entry.eventsWritten = 1;
      this.response.end(payload);
      return;
    }
    // a cut JSON response: the headers and (unless cut at 0) the first half of the body.
    const written =
      delivery.cutAfterChunks === 0 ? payload.subarray(0, 0) : payload.subarray(0, payload.length >> 1);
    await this.writeAndCut(written);
  }

  async sendEvents(
    headers: OutgoingHttpHeaders,
    events: readonly string[],
    delivery: DeliveryPlan,
    malformedEvent: string,
  ): Promise<void> {
    let stream = events;
    if (delivery.malformedChunkAt !== null) {
      const at = Math.min(delivery.malformedChunkAt - 1, events.length);
      stream = [...events.slice(0, at), malformedEvent, ...events.slice(at)];
    }
    if (!(await this.pause(delivery.latencyMs))) return;
    this.entry.status = 200;
    this.response.writeHead(200, {
      ...headers,
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    const limit =
      delivery.cutAfterChunks === null ? stream.length : Math.min(delivery.cutAfterChunks, stream.length);
    const cut = delivery.cutAfterChunks !== null;

    if (delivery.ttftMs === 0 && delivery.chunkDelayMs === 0) {
      const payload = limit === stream.length ? stream.join('') : stream.slice(0, limit).join('');
      this.entry.eventsWritten = limit;
      if (cut) await this.writeAndCut(Buffer.from(payload));
      else this.response.end(payload);
      return;
    }

    this.response.flushHeaders();
    for (let index = 0; index < limit; index += 1) {
      const delay = index === 0 ? delivery.ttftMs : delivery.chunkDelayMs;
      if (!(await this.pause(delay))) return;
      this.response.write(stream[index]);
      this.entry.eventsWritten += 1;
    }
    if (cut) await this.writeAndCut(Buffer.alloc(0));
    else this.response.end();
  }

  /** Waits `ms`; false when the client or the server went away meanwhile. */
  private async pause(ms: number): Promise<boolean> {
    if (ms > 0 && !this.shutdown.aborted) {
      try {
        await sleep(ms, undefined, { signal: this.shutdown });
      } catch {
        // the server is closing: stop delivering.
      }
    }
    return !this.response.destroyed && !this.shutdown.aborted;
  }

  /** Writes what the client may still get, waits until it reached the socket, then destroys it. */
  private async writeAndCut(payload: Buffer): Promise<void> {
    this.entry.cutByFault = true;
    if (payload.length > 0) {
      await new Promise<void>((resolve) => this.response.write(payload, () => resolve()));
    } else {
      this.response.flushHeaders();
      const socket = this.response.socket;
      if (socket !== null) await new Promise<void>((resolve) => socket.write('', () => resolve()));
    }
    this.response.destroy();
  }
}
