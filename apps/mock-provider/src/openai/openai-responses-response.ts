import type { ResponseIdentity } from '../shared/chat-responder';
import { deterministicToken } from '../shared/hash';
import type { JsonRecord } from '../shared/json-value';
import type { ProviderExchange } from '../shared/provider-exchange';
import { planReply, type ReplyPlan } from '../shared/reply-plan';
import { splitIntoChunks } from '../shared/reply-text';
import type { MockUsage } from '../shared/token-estimate';
import { openAiToolCallId } from './openai-chat-response';
import type { ResponsesInput } from './openai-responses-request';

const STREAM_CONTENT_TYPE = 'text/event-stream; charset=utf-8';
const DEFAULT_FAULT_MESSAGE = 'Mock fault: the server had an error while processing your request.';

/** An event whose JSON is cut short, for the `malformedChunkAt` knob. */
export const MALFORMED_RESPONSES_EVENT =
  'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":\n\n';

function itemId(prefix: string, identity: ResponseIdentity, index: number): string {
  return `${prefix}_${deterministicToken(`${prefix}:${identity.sequence}:${index}`, 48, 'hex')}`;
}

/** Responses usage: input includes cached tokens, output includes reasoning tokens. */
export function openAiResponsesUsage(usage: MockUsage): JsonRecord {
  const output = usage.outputTokens + usage.reasoningTokens;
  return {
    input_tokens: usage.promptTokens,
    input_tokens_details: { cached_tokens: usage.cachedTokens },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    total_tokens: usage.promptTokens + output,
  };
}

/** The opaque reasoning state OpenAI returns for `include: ["reasoning.encrypted_content"]`. */
function encryptedReasoning(input: ResponsesInput, identity: ResponseIdentity): string {
  return `gAAAAAB${Buffer.from(`mock-reasoning:${input.model}:${identity.sequence}`).toString('base64url')}`;
}

interface Rendered {
  status: 'completed' | 'incomplete';
  incompleteReason: string | null;
  /** each output item, with the stream events that build it. */
  items: Array<{ item: JsonRecord; events: (outputIndex: number) => Array<[string, JsonRecord]> }>;
}

function renderItems(
  plan: ReplyPlan,
  input: ResponsesInput,
  identity: ResponseIdentity,
  chunks: number,
): Rendered {
  const items: Rendered['items'] = [];
  if (plan.reasoningText !== null) {
    const id = itemId('rs', identity, items.length);
    const summaryText = input.reasoningSummary === null ? null : plan.reasoningText;
    const base: JsonRecord = { id, type: 'reasoning', summary: [] };
    if (input.encryptedReasoning) base.encrypted_content = encryptedReasoning(input, identity);
    const done: JsonRecord = {
      ...base,
      summary: summaryText === null ? [] : [{ type: 'summary_text', text: summaryText }],
    };
    items.push({
      item: done,
      events: (output_index) => {
        const events: Array<[string, JsonRecord]> = [
          ['response.output_item.added', { output_index, item: base }],
        ];
        if (summaryText !== null) {
          const at = { item_id: id, output_index, summary_index: 0 };
          events.push([
            'response.reasoning_summary_part.added',
            { ...at, part: { type: 'summary_text', text: '' } },
          ]);
          for (const delta of splitIntoChunks(summaryText, chunks))
            events.push(['response.reasoning_summary_text.delta', { ...at, delta }]);
          events.push(['response.reasoning_summary_text.done', { ...at, text: summaryText }]);
          events.push([
            'response.reasoning_summary_part.done',
            { ...at, part: { type: 'summary_text', text: summaryText } },
          ]);
        }
        events.push(['response.output_item.done', { output_index, item: done }]);
        return events;
      },
    });
  }
  const status = plan.finish === 'length' || plan.finish === 'content_filter' ? 'incomplete' : 'completed';
  const incompleteReason =
    plan.finish === 'length'
      ? 'max_output_tokens'
      : plan.finish === 'content_filter'
        ? 'content_filter'
        : null;
  const toolCall = plan.toolCall;
  if (toolCall !== null) {
    const id = itemId('fc', identity, items.length);
    const call = {
      id,
      type: 'function_call',
      call_id: openAiToolCallId(toolCall.idSeed),
      name: toolCall.name,
    };
    const done = { ...call, status: 'completed', arguments: toolCall.argumentsJson };
    items.push({
      item: done,
      events: (output_index) => [
        [
          'response.output_item.added',
          { output_index, item: { ...call, status: 'in_progress', arguments: '' } },
        ],
        ...toolCall.argumentChunks.map((delta): [string, JsonRecord] => [
          'response.function_call_arguments.delta',
          { item_id: id, output_index, delta },
        ]),
        [
          'response.function_call_arguments.done',
          { item_id: id, output_index, arguments: toolCall.argumentsJson },
        ],
        ['response.output_item.done', { output_index, item: done }],
      ],
    });
  } else if (plan.kind === 'text') {
    const id = itemId('msg', identity, items.length);
    const part = { type: 'output_text', annotations: [], logprobs: [], text: plan.text };
    const done = { id, type: 'message', status, content: [part], role: 'assistant' };
    items.push({
      item: done,
      events: (output_index) => {
        const at = { item_id: id, output_index, content_index: 0 };
        return [
          [
            'response.output_item.added',
            {
              output_index,
              item: { id, type: 'message', status: 'in_progress', content: [], role: 'assistant' },
            },
          ],
          ['response.content_part.added', { ...at, part: { ...part, text: '' } }],
          ...plan.textChunks.map((delta): [string, JsonRecord] => [
            'response.output_text.delta',
            { ...at, delta, logprobs: [] },
          ]),
          ['response.output_text.done', { ...at, text: plan.text, logprobs: [] }],
          ['response.content_part.done', { ...at, part }],
          ['response.output_item.done', { output_index, item: done }],
        ];
      },
    });
  }
  return { status, incompleteReason, items };
}

/** The response object, echoing the request's settings as OpenAI does. */
function responseObject(
  input: ResponsesInput,
  identity: ResponseIdentity,
  fields: {
    status: string;
    output: JsonRecord[];
    usage: JsonRecord | null;
    incompleteReason?: string | null;
    error?: JsonRecord | null;
  },
): JsonRecord {
  const echo = input.echo;
  return {
    id: `resp_${deterministicToken(`resp:${identity.sequence}`, 50, 'hex')}`,
    object: 'response',
    created_at: identity.created,
    status: fields.status,
    background: false,
    error: fields.error ?? null,
    incomplete_details: fields.incompleteReason ? { reason: fields.incompleteReason } : null,
    instructions: echo.instructions ?? null,
    max_output_tokens: echo.max_output_tokens ?? null,
    max_tool_calls: null,
    model: input.model,
    output: fields.output,
    parallel_tool_calls: echo.parallel_tool_calls ?? true,
    previous_response_id: echo.previous_response_id ?? null,
    prompt_cache_key: echo.prompt_cache_key ?? null,
    reasoning: echo.reasoning ?? { effort: null, summary: null },
    safety_identifier: null,
    service_tier: 'default',
    store: echo.store ?? true,
    temperature: echo.temperature ?? 1,
    text: echo.text ?? { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: echo.tool_choice ?? 'auto',
    tools: echo.tools ?? [],
    top_logprobs: 0,
    top_p: echo.top_p ?? 1,
    truncation: echo.truncation ?? 'disabled',
    usage: fields.usage,
    user: echo.user ?? null,
    metadata: echo.metadata ?? {},
  };
}

/** Frames events as OpenAI does: `event: <type>` and `data: <json>` with a running `sequence_number`. */
class EventWriter {
  readonly events: string[] = [];

  emit(type: string, fields: JsonRecord): void {
    const data = JSON.stringify({ type, sequence_number: this.events.length, ...fields });
    this.events.push(`event: ${type}\ndata: ${data}\n\n`);
  }
}

/**
 * The Responses stream in OpenAI's order: `response.created`, `response.in_progress`, per output
 * item `output_item.added` … `output_item.done` (reasoning summary parts, content parts and text
 * deltas, or function-call argument deltas), then `response.completed` (or `response.incomplete`)
 * with the usage.
 */
export function renderResponsesEvents(
  plan: ReplyPlan,
  input: ResponsesInput,
  identity: ResponseIdentity,
  chunks: number,
): string[] {
  const rendered = renderItems(plan, input, identity, chunks);
  const writer = new EventWriter();
  const opening = responseObject(input, identity, { status: 'in_progress', output: [], usage: null });
  writer.emit('response.created', { response: opening });
  writer.emit('response.in_progress', { response: opening });
  rendered.items.forEach(({ events }, index) => {
    for (const [type, fields] of events(index)) writer.emit(type, fields);
  });
  const final = responseObject(input, identity, {
    status: rendered.status,
    output: rendered.items.map(({ item }) => item),
    usage: openAiResponsesUsage(plan.usage),
    incompleteReason: rendered.incompleteReason,
  });
  writer.emit(rendered.status === 'completed' ? 'response.completed' : 'response.incomplete', {
    response: final,
  });
  return writer.events;
}

export function renderResponsesJson(
  plan: ReplyPlan,
  input: ResponsesInput,
  identity: ResponseIdentity,
): JsonRecord {
  const rendered = renderItems(plan, input, identity, 1);
  return responseObject(input, identity, {
    status: rendered.status,
    output: rendered.items.map(({ item }) => item),
    usage: openAiResponsesUsage(plan.usage),
    incompleteReason: rendered.incompleteReason,
  });
}

/**
 * How OpenAI ends a stream that failed on its side: an `error` event (the error nested under
 * `error`, as recorded from the API) and `response.failed` with the response's `error`.
 */
function failureEvents(
  input: ResponsesInput,
  identity: ResponseIdentity,
  sequence: number,
  message: string,
): string[] {
  const error = { type: 'server_error', code: 'server_error', message, param: null };
  const failed = responseObject(input, identity, {
    status: 'failed',
    output: [],
    usage: null,
    error: { code: 'server_error', message },
  });
  return [
    `event: error\ndata: ${JSON.stringify({ type: 'error', sequence_number: sequence, error })}\n\n`,
    `event: response.failed\ndata: ${JSON.stringify({ type: 'response.failed', sequence_number: sequence + 1, response: failed })}\n\n`,
  ];
}

/** The Responses route's tail, mirroring the chat routes: knobs, fault status, plan, render, send. */
export async function respondToResponses(exchange: ProviderExchange, input: ResponsesInput): Promise<void> {
  exchange.updateRequest({ model: input.model, stream: input.stream });
  const knobs = exchange.resolveKnobs(input.model, input.directive);
  if (await exchange.sendFaultStatus(knobs)) return;
  const plan = planReply(input, {
    chunks: knobs.chunks,
    reply: knobs.reply,
    safetyBlock: knobs.safetyBlock,
    toolCall: knobs.toolCall,
  });
  exchange.entry.usage = plan.usage;
  const identity: ResponseIdentity = { sequence: exchange.entry.id, created: exchange.created };
  if (!input.stream) {
    await exchange.sendJson(200, renderResponsesJson(plan, input, identity), knobs);
    return;
  }
  let events = renderResponsesEvents(plan, input, identity, knobs.chunks);
  if (knobs.errorAfterChunks !== null) {
    const kept = events.slice(0, knobs.errorAfterChunks);
    events = [
      ...kept,
      ...failureEvents(input, identity, kept.length, knobs.message ?? DEFAULT_FAULT_MESSAGE),
    ];
  }
  await exchange.sendEvents(events, STREAM_CONTENT_TYPE, knobs, MALFORMED_RESPONSES_EVENT);
}
