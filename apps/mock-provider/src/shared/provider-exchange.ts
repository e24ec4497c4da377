import type { OutgoingHttpHeaders } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseFaultJson, resolveKnobs, type EffectiveKnobs } from './faults';
import { keyDigestPrefix } from './hash';
import type { MockContext } from './mock-context';
import type { MockFormat } from './mock-format';
import { MockHttpError } from './mock-http-error';
import type { MockEndpoint, RequestLogEntry } from './request-log';
import { IMMEDIATE, ResponseChannel, type DeliveryPlan } from './response-channel';

/** How one provider format frames its errors and common headers. */
export interface ProviderErrors {
  errorBody(error: MockHttpError, requestId: string): unknown;
  /** headers every response of the format carries (Anthropic `request-id`). */
  headers?(requestId: string): OutgoingHttpHeaders;
}

/**
 * One provider request from arrival to the last byte: opens its log entry, records the key's
 * digest, resolves the fault knobs (rule, header, directive), and sends JSON, SSE or the
 * provider's error body through a `ResponseChannel`.
 */
export class ProviderExchange {
  readonly entry: RequestLogEntry;
  /** the client's `x-request-id`, or one the mock made up. */
  readonly requestId: string;
  /** unix seconds, for `created` fields. */
  readonly created: number;
  private readonly channel: ResponseChannel;
  private readonly baseHeaders: OutgoingHttpHeaders;

  constructor(
    private readonly context: MockContext,
    private readonly request: FastifyRequest,
    reply: FastifyReply,
    readonly format: MockFormat,
    endpoint: MockEndpoint,
    private readonly errors: ProviderErrors,
    fields: { model: string | null; stream: boolean },
  ) {
    void reply.hijack();
    const url = request.url;
    const queryStart = url.indexOf('?');
    this.entry = context.log.open({
      format,
      endpoint,
      method: request.method,
      path: queryStart === -1 ? url : url.slice(0, queryStart),
      query: redactQuery(request.query),
      headers: request.headers,
      body: request.body,
      model: fields.model,
      stream: fields.stream,
    });
    this.created = Math.floor(this.entry.startedAt / 1000);
    this.requestId = this.entry.requestId ?? `req_mock${this.entry.id.toString(36).padStart(8, '0')}`;
    this.baseHeaders = {
      'x-request-id': this.requestId,
      'x-mock-log-id': String(this.entry.id),
      ...errors.headers?.(this.requestId),
    };
    this.channel = new ResponseChannel(reply.raw, this.entry, context.shutdown);
  }

  /** Runs the handler; a `MockHttpError` becomes the provider's error response, anything else a 500. */
  async run(handler: () => Promise<void>): Promise<void> {
    try {
      await handler();
    } catch (error) {
      if (this.channel.closed) return;
      if (error instanceof MockHttpError) {
        await this.sendError(error);
        return;
      }
      process.stderr.write(
        `mock-provider: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      await this.sendError(new MockHttpError(500, 'mock provider internal error'));
    }
  }

  recordKey(key: string): void {
    this.entry.authPresent = true;
    this.entry.keySha256 = keyDigestPrefix(key);
  }

  updateRequest(fields: { model: string; stream: boolean }): void {
    this.entry.model = fields.model;
    this.entry.stream = fields.stream;
  }

  /** The knobs in force: run defaults < first matching rule < `x-mock-fault` header < directive. */
  resolveKnobs(model: string, directive: string | null): EffectiveKnobs {
    const header = this.request.headers['x-mock-fault'];
    const headerKnobs = typeof header === 'string' ? parseFaultJson(header, 'x-mock-fault header') : null;
    const directiveKnobs = directive === null ? null : parseFaultJson(directive, '[[mock:…]] directive');
    const ruleKnobs = this.context.faults.take(this.format, model);
    const { knobs, applied } = resolveKnobs(this.context.defaults, [ruleKnobs, headerKnobs, directiveKnobs]);
    this.entry.fault = applied;
    return knobs;
  }

  /** Answers with the `status` knob's error when one is set; true when it did. */
  async sendFaultStatus(knobs: EffectiveKnobs): Promise<boolean> {
    if (knobs.status === null) return false;
    const error = new MockHttpError(knobs.status, knobs.message ?? defaultFaultMessage(knobs.status));
    await this.sendError(error, knobs);
    return true;
  }

  async sendJson(status: number, body: unknown, knobs: EffectiveKnobs | null = null): Promise<void> {
    await this.channel.sendJson(status, JSON.stringify(body), this.headersWith(knobs), deliveryOf(knobs));
  }

  async sendEvents(
    events: readonly string[],
    contentType: string,
    knobs: EffectiveKnobs,
    malformedEvent: string,
  ): Promise<void> {
    const headers = { ...this.headersWith(knobs), 'content-type': contentType };
    await this.channel.sendEvents(headers, events, deliveryOf(knobs), malformedEvent);
  }

  async sendError(error: MockHttpError, knobs: EffectiveKnobs | null = null): Promise<void> {
    const headers = this.headersWith(knobs);
    const retryAfter = error.options.retryAfter;
    if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
    const delivery =
      knobs === null ? IMMEDIATE : { ...deliveryOf(knobs), cutAfterChunks: null, malformedChunkAt: null };
    await this.channel.sendJson(
      error.status,
      JSON.stringify(this.errors.errorBody(error, this.requestId)),
      headers,
      delivery,
    );
  }

  private headersWith(knobs: EffectiveKnobs | null): OutgoingHttpHeaders {
    if (knobs === null || knobs.retryAfter === null) return { ...this.baseHeaders };
    return { ...this.baseHeaders, 'retry-after': String(knobs.retryAfter) };
  }
}

function deliveryOf(knobs: EffectiveKnobs | null): DeliveryPlan {
  if (knobs === null) return IMMEDIATE;
  return {
    latencyMs: knobs.latencyMs,
    ttftMs: knobs.ttftMs,
    chunkDelayMs: knobs.chunkDelayMs,
    cutAfterChunks: knobs.cutAfterChunks,
    malformedChunkAt: knobs.malformedChunkAt,
  };
}

function redactQuery(query: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  if (typeof query !== 'object' || query === null) return result;
  for (const [name, value] of Object.entries(query)) {
    if (name === 'key' || typeof value !== 'string') continue;
    result[name] = value;
  }
  return result;
}

function defaultFaultMessage(status: number): string {
  switch (status) {
    case 400:
      return 'Mock fault: invalid request.';
    case 401:
      return 'Mock fault: invalid API key.';
    case 403:
      return 'Mock fault: permission denied.';
    case 404:
      return 'Mock fault: model not found.';
    case 408:
      return 'Mock fault: request timed out.';
    case 429:
      return 'Mock fault: rate limit reached. Please try again later.';
    case 529:
      return 'Mock fault: overloaded.';
    default:
      return status >= 500
        ? 'Mock fault: the server had an error while processing your request.'
        : `Mock fault: status ${status}.`;
  }
}
