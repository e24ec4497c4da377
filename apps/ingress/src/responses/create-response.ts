import { Inject, Injectable, Logger } from '@nestjs/common';
import { completionToChunks } from '@switchyard/cache';
import { type AttemptOutcome, GatewayError } from '@switchyard/contracts';
import { CompleteChat, type ChatPart, type ChatResponseMeta } from '../completion/complete-chat';
import type { DispatchResponsesPart } from '../dispatch/dispatch-client';
import type { ChatCallContext } from '../http/chat-context';
import { toGatewayError } from '../http/to-gateway-error';
import { AnswerResponses, answersNatively } from './answer-responses';
import { nativeBodyOf } from './native-body';
import type { ResponseObject, ResponseStreamEvent } from './response-object';
import { newResponsesId } from './response-ids';
import type { ResponsesRequest } from './responses-request';
import { ResponsesStreamTranslator } from './responses-stream-translator';
import type { StreamEvent } from './responses-sse-writer';
import { StoredResponses } from './stored-responses';
import { inputItemsOf, toChatRequest, type TranslatedRequest } from './to-chat-request';

/** A request made ready to answer: its canonical form and the response object it will fill. */
export interface PreparedResponse {
  request: ResponsesRequest;
  translated: TranslatedRequest;
  /** the request's own input items, with ids, as `input_items` lists them. */
  inputItems: Record<string, unknown>[];
  template: ResponseObject;
  /** the body for OpenAI's native `/v1/responses`: the request intact, a stored chain expanded. */
  native: Record<string, unknown>;
}

/** A finished response: ours, or the object OpenAI's native API returned. */
type AnyResponse = ResponseObject | Record<string, unknown>;

export interface JsonResponse {
  meta: ChatResponseMeta;
  outcome: AttemptOutcome;
  response: AnyResponse;
  /** hosted tools left out (the canonical path cannot run them); none on the native path. */
  droppedTools: string[];
}

export interface StreamedResponse {
  meta: ChatResponseMeta;
  /** batches of events, in order; the last batch ends the stream (completed, incomplete or failed). */
  events: AsyncIterable<StreamEvent[]>;
  droppedTools: string[];
}

/**
 * The Responses API over the completion pipeline: expands `previous_response_id` from the stored
 * chain, translates the request to the canonical chat request, completes it with `CompleteChat`
 * (admission, routing, fallbacks, one usage row per attempt with `endpoint = 'responses'`), turns
 * the canonical answer into a response object or its stream events, and stores the response
 * unless `store: false`.
 *
 * When a candidate of the call is an OpenAI deployment, `AnswerResponses` runs the attempts
 * instead: OpenAI deployments on their native `/v1/responses` (the request intact, events passed
 * through), the others on the canonical path. Otherwise `CompleteChat` does (with its response
 * cache).
 */
@Injectable()
export class CreateResponse {
  private readonly logger = new Logger(CreateResponse.name);

  constructor(
    @Inject(CompleteChat) private readonly completeChat: CompleteChat,
    @Inject(StoredResponses) private readonly storedResponses: StoredResponses,
    @Inject(AnswerResponses) private readonly answerResponses: AnswerResponses,
  ) {}

  async prepare(request: ResponsesRequest, context: ChatCallContext): Promise<PreparedResponse> {
    let history: Record<string, unknown>[] = [];
    if (request.previous_response_id) {
      const previous = await this.storedResponses.get(request.previous_response_id, context.caller, true);
      if (!previous) {
        throw GatewayError.invalidRequest(
          `Previous response with id '${request.previous_response_id}' not found.`,
          'previous_response_id',
          'previous_response_not_found',
        );
      }
      const output = previous.response.response.output;
      history = [
        ...previous.history,
        ...previous.response.inputItems,
        ...(Array.isArray(output) ? (output as Record<string, unknown>[]) : []),
      ];
    }
    const input = inputItemsOf(request);
    return {
      request,
      translated: toChatRequest(request, history),
      inputItems: input.map(withItemId),
      template: templateOf(request),
      native: nativeBodyOf(request, history, input),
    };
  }

  async json(
    prepared: PreparedResponse,
    context: ChatCallContext,
    signal: AbortSignal,
  ): Promise<JsonResponse> {
    const { chat } = prepared.translated;
    const call = await this.completeChat.resolve(chat, context);
    if (call.candidates.some((candidate) => answersNatively(candidate.deployment))) {
      const answer = await this.answerResponses.answer(
        {
          native: { ...prepared.native, stream: false },
          chat: { ...chat, stream: undefined, stream_options: undefined },
        },
        call,
        context,
        signal,
        false,
      );
      if (answer.kind === 'native') {
        const final = await lastPart(answer.parts);
        if (!final.response) throw GatewayError.upstream(502, 'the dispatcher returned no response');
        const response = asChained(final.response, prepared);
        await this.store(prepared, response, context);
        return { meta: answer.meta, outcome: final.outcome, response, droppedTools: [] };
      }
      const final = await lastPart(answer.parts);
      if (!final.completion) throw GatewayError.upstream(502, 'the dispatcher returned no completion');
      return this.fromCompletion(prepared, answer.meta, final.completion, final.outcome, context);
    }
    const result = await this.completeChat.complete(chat, call, context, signal);
    return this.fromCompletion(prepared, result.meta, result.completion, result.outcome, context);
  }

  private async fromCompletion(
    prepared: PreparedResponse,
    meta: ChatResponseMeta,
    completion: Parameters<typeof completionToChunks>[0],
    outcome: AttemptOutcome,
    context: ChatCallContext,
  ): Promise<JsonResponse> {
    const translator = this.translator(prepared, meta);
    for (const chunk of completionToChunks(completion)) translator.push(chunk);
    translator.finish(outcome.usage);
    await this.store(prepared, translator.response, context);
    return { meta, outcome, response: translator.response, droppedTools: prepared.translated.droppedTools };
  }

  /** Resolves once the answer began (errors before it are thrown, for OpenAI's error envelope). */
  async stream(
    prepared: PreparedResponse,
    context: ChatCallContext,
    signal: AbortSignal,
  ): Promise<StreamedResponse> {
    const { chat } = prepared.translated;
    const call = await this.completeChat.resolve(chat, context);
    const store = (response: AnyResponse) => this.store(prepared, response, context);
    let meta: ChatResponseMeta;
    let parts: AsyncIterable<ChatPart>;
    if (call.candidates.some((candidate) => answersNatively(candidate.deployment))) {
      const answer = await this.answerResponses.answer(
        { native: { ...prepared.native, stream: true }, chat },
        call,
        context,
        signal,
        true,
      );
      if (answer.kind === 'native') {
        return {
          meta: answer.meta,
          events: nativeEvents(answer.parts, store, prepared),
          droppedTools: [],
        };
      }
      ({ meta, parts } = answer);
    } else {
      ({ meta, parts } = await this.completeChat.stream(chat, call, context, signal));
    }
    const translator = this.translator(prepared, meta);
    async function* events(): AsyncGenerator<ResponseStreamEvent[]> {
      yield translator.start();
      try {
        for await (const part of parts) {
          if (part.type === 'chunk') {
            yield translator.push(part.chunk);
            continue;
          }
          const closing = translator.finish(part.outcome.usage);
          // stored before the last event, so a client chaining at once finds it
          await store(translator.response);
          yield closing;
          return;
        }
      } catch (error) {
        yield translator.fail(toGatewayError(error));
      }
    }
    return { meta, events: events(), droppedTools: prepared.translated.droppedTools };
  }

  private translator(prepared: PreparedResponse, meta: ChatResponseMeta): ResponsesStreamTranslator {
    return new ResponsesStreamTranslator(
      { ...prepared.template, model: meta.modelName },
      prepared.translated.toolNames,
    );
  }

  /**
   * Keeps a finished response unless `store: false`. A failure to store does not take the answer
   * from the client (the tokens are spent): it is logged, and a later `previous_response_id` or
   * `GET` of it answers 404.
   */
  private async store(
    prepared: PreparedResponse,
    response: AnyResponse,
    context: ChatCallContext,
  ): Promise<void> {
    if (prepared.request.store === false) return;
    const id = typeof response.id === 'string' ? response.id : prepared.template.id;
    const createdAt =
      typeof response.created_at === 'number' ? response.created_at : prepared.template.created_at;
    try {
      await this.storedResponses.put({
        id,
        keyId: context.caller.kind === 'virtual' ? context.caller.keyId : null,
        previousResponseId: prepared.request.previous_response_id ?? null,
        createdAt: Math.round(createdAt * 1000),
        response: asChained(response, prepared) as Record<string, unknown>,
        inputItems: prepared.inputItems,
      });
    } catch (error) {
      this.logger.warn(`could not store response ${id}: ${(error as Error).message}`);
    }
  }
}

/** The response object a request will fill, echoing its parameters as OpenAI does. */
export function templateOf(request: ResponsesRequest): ResponseObject {
  return {
    id: newResponsesId('resp'),
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status: 'in_progress',
    background: false,
    error: null,
    incomplete_details: null,
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    model: request.model,
    output: [],
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: request.previous_response_id ?? null,
    reasoning: { effort: request.reasoning?.effort ?? null, summary: request.reasoning?.summary ?? null },
    store: request.store !== false,
    temperature: request.temperature ?? null,
    text: { format: (request.text?.format as Record<string, unknown> | undefined) ?? { type: 'text' } },
    tool_choice: request.tool_choice ?? 'auto',
    tools: request.tools ?? [],
    top_p: request.top_p ?? null,
    truncation: 'disabled',
    usage: null,
    user: request.user ?? null,
    metadata: request.metadata ?? {},
  };
}

/** An input item with an id, as `input_items` lists them (`msg_…` for messages). */
function withItemId(item: Record<string, unknown>): Record<string, unknown> {
  if (typeof item.id === 'string') return item;
  const type = typeof item.type === 'string' ? item.type : 'message';
  const prefix = type === 'message' ? 'msg' : type === 'function_call_output' ? 'fco' : 'item';
  return { id: newResponsesId(prefix), type, ...item };
}

async function lastPart<Part extends { type: string }>(
  parts: AsyncIterable<Part>,
): Promise<Extract<Part, { type: 'finish' | 'final' }>> {
  let last: Part | null = null;
  for await (const part of parts) last = part;
  if (!last || (last.type !== 'finish' && last.type !== 'final')) {
    throw GatewayError.upstream(502, 'the dispatcher returned no final reply');
  }
  return last as Extract<Part, { type: 'finish' | 'final' }>;
}

const TERMINAL_EVENTS = new Set(['response.completed', 'response.incomplete', 'response.failed']);

/**
 * OpenAI's native events, passed through (renumbered by the writer). The finished response is
 * stored before its terminal event is sent; a failure after the stream opened ends it with
 * `response.failed` built from the last response object OpenAI sent.
 */
async function* nativeEvents(
  parts: AsyncIterable<DispatchResponsesPart>,
  store: (response: Record<string, unknown>) => Promise<void>,
  prepared: PreparedResponse,
): AsyncGenerator<StreamEvent[]> {
  let latest: Record<string, unknown> = {};
  try {
    for await (const part of parts) {
      if (part.type !== 'event') continue;
      let event = part.event;
      if (event.response && typeof event.response === 'object') {
        latest = asChained(event.response as Record<string, unknown>, prepared);
        event = { ...event, response: latest };
      }
      if (TERMINAL_EVENTS.has(event.type) && event.type !== 'response.failed') await store(latest);
      yield [event];
    }
  } catch (error) {
    const failure = toGatewayError(error);
    yield [
      {
        type: 'response.failed',
        response: { ...latest, status: 'failed', error: { code: 'server_error', message: failure.message } },
      },
    ];
  }
}

/**
 * A response as the client chained it: OpenAI was sent the stored chain as input, not the
 * `previous_response_id` (a Switchyard id OpenAI does not know), so its object names none.
 */
function asChained<T extends Record<string, unknown> | ResponseObject>(
  response: T,
  prepared: PreparedResponse,
): T {
  return { ...response, previous_response_id: prepared.request.previous_response_id ?? null };
}
