import type { IncomingHttpHeaders } from 'node:http';
import type { FaultKnobs } from './faults';
import type { MockFormat } from './mock-format';
import type { MockUsage } from './token-estimate';

/** Headers that carry credentials: never logged. */
const credentialHeaders = new Set([
  'authorization',
  'proxy-authorization',
  'x-api-key',
  'x-goog-api-key',
  'api-key',
  'cookie',
]);

export type MockEndpoint = 'chat' | 'responses' | 'embeddings' | 'models' | 'count_tokens';

/** One provider request as the mock saw it. Mutated while the response is under way. */
export interface RequestLogEntry {
  id: number;
  /** the client's `x-request-id`, echoed on the response. */
  requestId: string | null;
  startedAt: number;
  format: MockFormat;
  endpoint: MockEndpoint;
  method: string;
  path: string;
  /** query parameters, without `key`. */
  query: Record<string, string>;
  model: string | null;
  stream: boolean;
  /** status sent, null while no header was sent. */
  status: number | null;
  finishedAt: number | null;
  /** the client closed the connection before the response ended. */
  closedEarlyAt: number | null;
  /** the mock destroyed the socket on purpose (`cutAfterChunks`). */
  cutByFault: boolean;
  /** stream events (or JSON bodies) written. */
  eventsWritten: number;
  fault: FaultKnobs | null;
  /** the token counts the chat reply reported (null: no reply planned, e.g. a fault status). */
  usage: MockUsage | null;
  authPresent: boolean;
  /** first 12 hex characters of the SHA-256 of the key; never the key. */
  keySha256: string | null;
  headers: Record<string, string>;
  body: unknown;
}

export interface RequestLogFilter {
  since?: number;
  limit?: number;
  format?: string;
  model?: string;
}

/** A bounded ring of the most recent requests (oldest dropped first). */
export class RequestLog {
  private readonly entries: RequestLogEntry[] = [];
  private start = 0;
  private nextId = 1;

  constructor(private readonly capacity: number) {}

  /** Creates and stores an entry; headers are copied without credentials. */
  open(fields: {
    format: MockFormat;
    endpoint: MockEndpoint;
    method: string;
    path: string;
    query: Record<string, string>;
    headers: IncomingHttpHeaders;
    body: unknown;
    model: string | null;
    stream: boolean;
  }): RequestLogEntry {
    const headers: Record<string, string> = {};
    for (const name in fields.headers) {
      if (credentialHeaders.has(name)) continue;
      const value = fields.headers[name];
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const requestId = fields.headers['x-request-id'];
    const entry: RequestLogEntry = {
      id: this.nextId++,
      requestId: typeof requestId === 'string' ? requestId : null,
      startedAt: Date.now(),
      format: fields.format,
      endpoint: fields.endpoint,
      method: fields.method,
      path: fields.path,
      query: fields.query,
      model: fields.model,
      stream: fields.stream,
      status: null,
      finishedAt: null,
      closedEarlyAt: null,
      cutByFault: false,
      eventsWritten: 0,
      fault: null,
      usage: null,
      authPresent: false,
      keySha256: null,
      headers,
      body: fields.body,
    };
    if (this.capacity <= 0) return entry;
    if (this.entries.length < this.capacity) {
      this.entries.push(entry);
    } else {
      this.entries[this.start] = entry;
      this.start = (this.start + 1) % this.capacity;
    }
    return entry;
  }

  clear(): void {
    this.entries.length = 0;
    this.start = 0;
  }

  /** Entries oldest first (most recent last), filtered. */
  list(filter: RequestLogFilter = {}): RequestLogEntry[] {
    const ordered = [...this.entries.slice(this.start), ...this.entries.slice(0, this.start)];
    const selected = ordered.filter(
      (entry) =>
        (filter.since === undefined || entry.id > filter.since) &&
        (filter.format === undefined || entry.format === filter.format) &&
        (filter.model === undefined || entry.model === filter.model),
    );
    return filter.limit === undefined
      ? selected
      : selected.slice(Math.max(0, selected.length - filter.limit));
  }
}

/** The JSON shape of an entry served by `GET /__mock/requests`. */
export function serializeEntry(entry: RequestLogEntry): Record<string, unknown> {
  return {
    id: entry.id,
    requestId: entry.requestId,
    time: new Date(entry.startedAt).toISOString(),
    format: entry.format,
    endpoint: entry.endpoint,
    method: entry.method,
    path: entry.path,
    query: entry.query,
    model: entry.model,
    stream: entry.stream,
    status: entry.status,
    completed: entry.finishedAt !== null && entry.closedEarlyAt === null && !entry.cutByFault,
    durationMs: entry.finishedAt === null ? null : entry.finishedAt - entry.startedAt,
    closedEarly: entry.closedEarlyAt !== null,
    closedEarlyAt: entry.closedEarlyAt === null ? null : new Date(entry.closedEarlyAt).toISOString(),
    closedEarlyAfterMs: entry.closedEarlyAt === null ? null : entry.closedEarlyAt - entry.startedAt,
    cutByFault: entry.cutByFault,
    eventsWritten: entry.eventsWritten,
    fault: entry.fault,
    usage: entry.usage,
    authPresent: entry.authPresent,
    keySha256: entry.keySha256,
    headers: entry.headers,
    body: entry.body,
  };
}
