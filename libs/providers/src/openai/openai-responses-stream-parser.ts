import type { GatewayError, TokenUsage } from '@switchyard/contracts';
import { isRecord, parseEventJson } from '../shared/json';
import { malformedResponse } from '../shared/upstream-error';
import type { ResponsesEvent, ResponsesStreamParser, ResponsesStreamSummary, SseEvent } from '../shared/spec';
import { convertOpenAIResponsesUsage } from './convert-openai-responses-usage';
import { failedResponseError, type ResponsesErrorFactory } from './openai-responses-response';

/** Events that open every stream and say nothing yet: held until something follows them. */
const OPENING_EVENTS = new Set(['response.created', 'response.in_progress']);
/** Events that end a stream well; their `response.usage` is the call's usage. */
const FINAL_EVENTS = new Set(['response.completed', 'response.incomplete']);

/**
 * OpenAI's Responses stream, passed through event by event. An `error` event is held until the
 * `response.failed` that follows it (whose usage, if any, is kept) or the end of the body, then
 * thrown; `response.failed` alone throws the error its response names.
 */
export class OpenAIResponsesStreamParser implements ResponsesStreamParser {
  private finished = false;
  private usage: TokenUsage | null = null;
  private status: string | null = null;
  private held: ResponsesEvent[] = [];
  private opened = false;
  private pendingError: GatewayError | null = null;

  constructor(
    private readonly provider: string,
    private readonly errorFrom: ResponsesErrorFactory,
  ) {}

  get done(): boolean {
    return this.finished;
  }

  summary(): ResponsesStreamSummary {
    return { usage: this.usage, status: this.status };
  }

  push(event: SseEvent): ResponsesEvent[] {
    const data = event.data.trim();
    if (data === '' || this.finished) return [];
    if (data === '[DONE]') return [];
    const body = parseEventJson(data, this.provider);
    if (!isRecord(body) || typeof body.type !== 'string') {
      throw malformedResponse(this.provider, 'a stream event without a type');
    }
    const type = body.type;
    if (type === 'error' || event.event === 'error') {
      this.pendingError = this.errorFrom({ error: isRecord(body.error) ? body.error : body });
      return [];
    }
    if (type === 'response.failed') {
      this.finished = true;
      const response = isRecord(body.response) ? body.response : {};
      this.status = 'failed';
      if (isRecord(response.usage)) this.usage = convertOpenAIResponsesUsage(response.usage);
      throw this.pendingError ?? failedResponseError(response, this.errorFrom);
    }
    if (this.pendingError) throw this.pendingError;
    if (FINAL_EVENTS.has(type)) {
      const response = body.response;
      if (!isRecord(response)) throw malformedResponse(this.provider, `${type} without a response`);
      this.finished = true;
      this.status = typeof response.status === 'string' ? response.status : type.slice('response.'.length);
      if (isRecord(response.usage)) this.usage = convertOpenAIResponsesUsage(response.usage);
    }
    const native = body as ResponsesEvent;
    if (!this.opened && OPENING_EVENTS.has(type)) {
      this.held.push(native);
      return [];
    }
    this.opened = true;
    if (this.held.length === 0) return [native];
    const released = [...this.held, native];
    this.held = [];
    return released;
  }

  end(): ResponsesEvent[] {
    if (this.pendingError && !this.finished) throw this.pendingError;
    return [];
  }
}
