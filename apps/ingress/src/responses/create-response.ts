import { Inject, Injectable, Logger } from '@nestjs/common';
import { completionToChunks } from '@switchyard/cache';
import { type AttemptOutcome, GatewayError } from '@switchyard/contracts';
import { CompleteChat, type ChatResponseMeta } from '../completion/complete-chat';
import type { ChatCallContext } from '../http/chat-context';
import { toGatewayError } from '../http/to-gateway-error';
import type { ResponseObject, ResponseStreamEvent } from './response-object';
import { newResponsesId } from './response-ids';
import type { ResponsesRequest } from './responses-request';
import { ResponsesStreamTranslator } from './responses-stream-translator';
import { StoredResponses } from './stored-responses';
import { inputItemsOf, toChatRequest, type TranslatedRequest } from './to-chat-request';

/** A request made ready to answer: its canonical form and the response object it will fill. */
export interface PreparedResponse {
  request: ResponsesRequest;
  translated: TranslatedRequest;
  /** the request's own input items, with ids, as `input_items` lists them. */
  inputItems: Record<string, unknown>[];
  template: ResponseObject;
}

export interface JsonResponse {
  meta: ChatResponseMeta;
  outcome: AttemptOutcome;
  response: ResponseObject;
}

export interface StreamedResponse {
  meta: ChatResponseMeta;
  /** batches of events, in order; the last batch ends the stream (completed, incomplete or failed). */
  events: AsyncIterable<ResponseStreamEvent[]>;
}

/**
 * The Responses API over the completion pipeline: expands `previous_response_id` from the stored
 * chain, translates the request to the canonical chat request, completes it with `CompleteChat`
 * (admission, routing, fallbacks, one usage row per attempt with `endpoint = 'responses'`), turns
 * the canonical answer into a response object or its stream events, and stores the response
 * unless `store: false`.
 *
 * Every deployment is reached through the canonical chat path here. The seam for OpenAI
 * deployments' native `/v1/responses` is the answer of one call (`json`/`stream`): a native path
 * takes the `PreparedResponse` (the request intact) instead of its canonical translation.
 */
@Injectable()
export class CreateResponse {
  private readonly logger = new Logger(CreateResponse.name);

  constructor(
    @Inject(CompleteChat) private readonly completeChat: CompleteChat,
    @Inject(StoredResponses) private readonly storedResponses: StoredResponses,
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
    return {
      request,
      translated: toChatRequest(request, history),
      inputItems: inputItemsOf(request).map(withItemId),
      template: templateOf(request),
    };
  }

  async json(
    prepared: PreparedResponse,
    context: ChatCallContext,
    signal: AbortSignal,
  ): Promise<JsonResponse> {
    const { chat } = prepared.translated;
    const call = await this.completeChat.resolve(chat, context);
    const result = await this.completeChat.complete(chat, call, context, signal);
    const translator = this.translator(prepared, result.meta);
    for (const chunk of completionToChunks(result.completion)) translator.push(chunk);
    translator.finish(result.outcome.usage);
    await this.store(prepared, translator.response, context);
    return { meta: result.meta, outcome: result.outcome, response: translator.response };
  }

  /** Resolves once the answer began (errors before it are thrown, for OpenAI's error envelope). */
  async stream(
    prepared: PreparedResponse,
    context: ChatCallContext,
    signal: AbortSignal,
  ): Promise<StreamedResponse> {
    const { chat } = prepared.translated;
    const call = await this.completeChat.resolve(chat, context);
    const answer = await this.completeChat.stream(chat, call, context, signal);
    const translator = this.translator(prepared, answer.meta);
    const store = (response: ResponseObject) => this.store(prepared, response, context);
    async function* events(): AsyncGenerator<ResponseStreamEvent[]> {
      yield translator.start();
      try {
        for await (const part of answer.parts) {
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
    return { meta: answer.meta, events: events() };
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
    response: ResponseObject,
    context: ChatCallContext,
  ): Promise<void> {
    if (!response.store) return;
    try {
      await this.storedResponses.put({
        id: response.id,
        keyId: context.caller.kind === 'virtual' ? context.caller.keyId : null,
        previousResponseId: response.previous_response_id,
        createdAt: response.created_at * 1000,
        response: response as unknown as Record<string, unknown>,
        inputItems: prepared.inputItems,
      });
    } catch (error) {
      this.logger.warn(`could not store response ${response.id}: ${(error as Error).message}`);
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
