import type {
  ChatCompletionChunk,
  ChatCompletionChunkToolCall,
  FinishReason,
  GatewayError,
  TokenUsage,
} from '@switchyard/contracts';
import {
  type OutputItem,
  type OutputTextContent,
  type ResponseObject,
  type ResponseStreamEvent,
  toResponseUsage,
} from './response-object';
import { newResponsesId } from './response-ids';
import type { ToolNames } from './tool-names';

type OpenItem =
  | { kind: 'reasoning'; index: number; id: string; text: string }
  | { kind: 'message'; index: number; id: string; text: string }
  | {
      kind: 'tool';
      index: number;
      id: string;
      callIndex: number;
      callId: string;
      name: string;
      arguments: string;
      custom: boolean;
      namespace: string | null;
    };

/**
 * Canonical (Chat Completions) chunks → Responses API stream events, in OpenAI's order:
 * `response.created`, `response.in_progress`; per output item `response.output_item.added`, its
 * parts and deltas, `response.output_item.done` (reasoning, the message and each tool call are
 * items of their own, in the order they arrive); then `response.completed` (or
 * `response.incomplete` when the output was cut by the token limit or a content filter), or
 * `response.failed`. The final response object is `response` once finished. A non-streaming call
 * runs the same translation over the completion's chunks.
 *
 * Tool calls are expected in order (all deltas of call 0 before call 1), as OpenAI and every
 * adapter stream them. A custom (freeform) tool's input is sent in one delta when its call ends,
 * since it travels as the JSON argument `input`.
 */
export class ResponsesStreamTranslator {
  readonly response: ResponseObject;
  private started = false;
  private open: OpenItem | null = null;
  private finishReason: FinishReason | null = null;
  private events: ResponseStreamEvent[] = [];

  constructor(
    template: ResponseObject,
    private readonly toolNames: ToolNames,
    private readonly newId: (prefix: string) => string = newResponsesId,
  ) {
    this.response = { ...template, status: 'in_progress', output: [], usage: null };
  }

  /** The opening events (`response.created`, `response.in_progress`). */
  start(): ResponseStreamEvent[] {
    this.begin();
    return this.drain();
  }

  private begin(): void {
    if (!this.started) {
      this.started = true;
      this.events.push(
        { type: 'response.created', response: snapshot(this.response) },
        { type: 'response.in_progress', response: snapshot(this.response) },
      );
    }
  }

  /** The events one canonical chunk becomes (often one, sometimes none). */
  push(chunk: ChatCompletionChunk): ResponseStreamEvent[] {
    this.begin();
    const choice = chunk.choices.find((candidate) => candidate.index === 0);
    if (choice) {
      const { delta } = choice;
      if (typeof delta.reasoning_content === 'string' && delta.reasoning_content !== '') {
        this.appendReasoning(delta.reasoning_content);
      }
      const text = delta.content ?? delta.refusal;
      if (typeof text === 'string' && text !== '') this.appendText(text);
      for (const call of delta.tool_calls ?? []) this.appendToolCall(call);
      if (choice.finish_reason) this.finishReason = choice.finish_reason;
    }
    return this.drain();
  }

  /** The closing events, with the attempt's exact usage. */
  finish(usage: TokenUsage): ResponseStreamEvent[] {
    this.begin();
    const reason = incompleteReasonOf(this.finishReason);
    this.closeItem(reason ? 'incomplete' : 'completed');
    this.response.usage = toResponseUsage(usage);
    if (reason) {
      this.response.status = 'incomplete';
      this.response.incomplete_details = { reason };
      this.events.push({ type: 'response.incomplete', response: snapshot(this.response) });
    } else {
      this.response.status = 'completed';
      this.events.push({ type: 'response.completed', response: snapshot(this.response) });
    }
    return this.drain();
  }

  /** A failure after the stream opened: `response.failed` with the error. */
  fail(error: GatewayError): ResponseStreamEvent[] {
    this.begin();
    this.open = null;
    this.response.status = 'failed';
    this.response.error = { code: failureCodeOf(error), message: error.message };
    this.events.push({ type: 'response.failed', response: snapshot(this.response) });
    return this.drain();
  }

  private appendReasoning(text: string): void {
    let open = this.open;
    if (open?.kind !== 'reasoning') {
      this.closeItem('completed');
      open = { kind: 'reasoning', index: this.response.output.length, id: this.newId('rs'), text: '' };
      this.addItem(open, { id: open.id, type: 'reasoning', summary: [] });
      this.events.push({
        type: 'response.reasoning_summary_part.added',
        item_id: open.id,
        output_index: open.index,
        summary_index: 0,
        part: { type: 'summary_text', text: '' },
      });
    }
    open.text += text;
    this.events.push({
      type: 'response.reasoning_summary_text.delta',
      item_id: open.id,
      output_index: open.index,
      summary_index: 0,
      delta: text,
    });
  }

  private appendText(text: string): void {
    let open = this.open;
    if (open?.kind !== 'message') {
      this.closeItem('completed');
      open = { kind: 'message', index: this.response.output.length, id: this.newId('msg'), text: '' };
      this.addItem(open, {
        id: open.id,
        type: 'message',
        status: 'in_progress',
        role: 'assistant',
        content: [],
      });
      this.events.push({
        type: 'response.content_part.added',
        item_id: open.id,
        output_index: open.index,
        content_index: 0,
        part: outputText(''),
      });
    }
    open.text += text;
    this.events.push({
      type: 'response.output_text.delta',
      item_id: open.id,
      output_index: open.index,
      content_index: 0,
      delta: text,
      logprobs: [],
    });
  }

  private appendToolCall(call: ChatCompletionChunkToolCall): void {
    let open = this.open;
    if (open?.kind !== 'tool' || open.callIndex !== call.index) {
      this.closeItem('completed');
      const ref = this.toolNames.refOf(call.function?.name ?? '');
      const custom = ref.kind === 'custom';
      open = {
        kind: 'tool',
        index: this.response.output.length,
        id: this.newId(custom ? 'ctc' : 'fc'),
        callIndex: call.index,
        callId: call.id ?? this.newId('call'),
        name: ref.name,
        arguments: '',
        custom,
        namespace: ref.kind === 'function' ? ref.namespace : null,
      };
      this.addItem(open, this.toolItem(open, 'in_progress'));
    }
    const delta = call.function?.arguments ?? '';
    if (delta === '') return;
    open.arguments += delta;
    if (!open.custom) {
      this.events.push({
        type: 'response.function_call_arguments.delta',
        item_id: open.id,
        output_index: open.index,
        delta,
      });
    }
  }

  private toolItem(
    open: Extract<OpenItem, { kind: 'tool' }>,
    status: 'in_progress' | 'completed' | 'incomplete',
  ): OutputItem {
    if (open.custom) {
      return {
        id: open.id,
        type: 'custom_tool_call',
        status,
        call_id: open.callId,
        name: open.name,
        input: status === 'in_progress' ? '' : customInputOf(open.arguments),
      };
    }
    return {
      id: open.id,
      type: 'function_call',
      status,
      arguments: status === 'in_progress' ? '' : open.arguments,
      call_id: open.callId,
      name: open.name,
      ...(open.namespace ? { namespace: open.namespace } : {}),
    };
  }

  private addItem(open: OpenItem, item: OutputItem): void {
    this.open = open;
    this.response.output.push(item);
    this.events.push({ type: 'response.output_item.added', output_index: open.index, item: { ...item } });
  }

  private closeItem(status: 'completed' | 'incomplete'): void {
    const open = this.open;
    if (!open) return;
    this.open = null;
    let item: OutputItem;
    switch (open.kind) {
      case 'reasoning': {
        const part = { type: 'summary_text' as const, text: open.text };
        const base = { item_id: open.id, output_index: open.index, summary_index: 0 };
        this.events.push(
          { type: 'response.reasoning_summary_text.done', ...base, text: open.text },
          { type: 'response.reasoning_summary_part.done', ...base, part },
        );
        item = { id: open.id, type: 'reasoning', summary: [part] };
        break;
      }
      case 'message': {
        const part = outputText(open.text);
        const base = { item_id: open.id, output_index: open.index, content_index: 0 };
        this.events.push(
          { type: 'response.output_text.done', ...base, text: open.text, logprobs: [] },
          { type: 'response.content_part.done', ...base, part },
        );
        item = { id: open.id, type: 'message', status, role: 'assistant', content: [part] };
        break;
      }
      case 'tool': {
        item = this.toolItem(open, status);
        const base = { item_id: open.id, output_index: open.index };
        if (item.type === 'custom_tool_call') {
          if (item.input !== '') {
            this.events.push({ type: 'response.custom_tool_call_input.delta', ...base, delta: item.input });
          }
          this.events.push({ type: 'response.custom_tool_call_input.done', ...base, input: item.input });
        } else if (item.type === 'function_call') {
          this.events.push({
            type: 'response.function_call_arguments.done',
            ...base,
            name: item.name,
            arguments: item.arguments,
          });
        }
        break;
      }
    }
    this.response.output[open.index] = item;
    this.events.push({ type: 'response.output_item.done', output_index: open.index, item });
  }

  private drain(): ResponseStreamEvent[] {
    const events = this.events;
    this.events = [];
    return events;
  }
}

function outputText(text: string): OutputTextContent {
  return { type: 'output_text', text, annotations: [], logprobs: [] };
}

/** A custom tool's input from the JSON arguments `{"input": "…"}`; other arguments as they are. */
function customInputOf(argumentsJson: string): string {
  try {
    const parsed: unknown = JSON.parse(argumentsJson);
    if (parsed && typeof parsed === 'object' && typeof (parsed as { input?: unknown }).input === 'string') {
      return (parsed as { input: string }).input;
    }
  } catch {
    // not JSON: the model wrote the input itself
  }
  return argumentsJson;
}

function incompleteReasonOf(reason: FinishReason | null): 'max_output_tokens' | 'content_filter' | null {
  if (reason === 'length') return 'max_output_tokens';
  if (reason === 'content_filter') return 'content_filter';
  return null;
}

/** OpenAI's `response.error.code` for a failure: `rate_limit_exceeded`, else `server_error`. */
function failureCodeOf(error: GatewayError): string {
  if (error.status === 429) return 'rate_limit_exceeded';
  if (error.status === 400) return error.code ?? 'invalid_prompt';
  return 'server_error';
}

/** A copy of the response for an event, so later changes do not alter events already built. */
function snapshot(response: ResponseObject): ResponseObject {
  return { ...response, output: response.output.map((item) => ({ ...item })) };
}
