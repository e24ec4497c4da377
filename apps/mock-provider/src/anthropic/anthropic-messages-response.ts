import type { ChatInput } from '../shared/chat-input';
import type { ChatRenderer, ResponseIdentity } from '../shared/chat-responder';
import { deterministicToken } from '../shared/hash';
import type { JsonRecord } from '../shared/json-value';
import type { MockFinishReason, ReplyPlan } from '../shared/reply-plan';
import { splitIntoChunks } from '../shared/reply-text';
import type { MockUsage } from '../shared/token-estimate';

export function anthropicMessageId(sequence: number): string {
  return `msg_01${deterministicToken(`msg:${sequence}`, 22)}`;
}

export function anthropicToolUseId(seed: string): string {
  return `toolu_01${deterministicToken(`toolu:${seed}`, 22)}`;
}

export function anthropicThinkingSignature(model: string): string {
  return Buffer.from(`mock-signature:${model}:${deterministicToken(model, 24)}`).toString('base64');
}

export function anthropicStopReason(finish: MockFinishReason): string {
  switch (finish) {
    case 'stop':
      return 'end_turn';
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
  }
}

/**
 * Anthropic usage: `input_tokens` excludes cache reads and writes; `output_tokens` includes
 * thinking, broken down in `output_tokens_details.thinking_tokens` when the request thought.
 */
export function anthropicUsage(usage: MockUsage, outputTokens: number): JsonRecord {
  const result: JsonRecord = {
    input_tokens: usage.promptTokens - usage.cachedTokens - usage.cacheWriteTokens,
    cache_creation_input_tokens: usage.cacheWriteTokens,
    cache_read_input_tokens: usage.cachedTokens,
    cache_creation: { ephemeral_5m_input_tokens: usage.cacheWriteTokens, ephemeral_1h_input_tokens: 0 },
    output_tokens: outputTokens,
    service_tier: 'standard',
  };
  if (usage.reasoningTokens > 0) result.output_tokens_details = { thinking_tokens: usage.reasoningTokens };
  return result;
}

function totalOutput(usage: MockUsage): number {
  return usage.outputTokens + usage.reasoningTokens;
}

function contentBlocks(plan: ReplyPlan, input: ChatInput): JsonRecord[] {
  const blocks: JsonRecord[] = [];
  if (plan.reasoningText !== null) {
    blocks.push({
      type: 'thinking',
      thinking: input.showReasoning ? plan.reasoningText : '',
      signature: anthropicThinkingSignature(input.model),
    });
  }
  if (plan.kind === 'text') blocks.push({ type: 'text', text: plan.text });
  if (plan.toolCall !== null) {
    blocks.push({
      type: 'tool_use',
      id: anthropicToolUseId(plan.toolCall.idSeed),
      name: plan.toolCall.name,
      input: plan.toolCall.arguments,
    });
  }
  return blocks;
}

function renderJson(plan: ReplyPlan, input: ChatInput, identity: ResponseIdentity): unknown {
  return {
    id: anthropicMessageId(identity.sequence),
    type: 'message',
    role: 'assistant',
    model: input.model,
    content: contentBlocks(plan, input),
    stop_reason: anthropicStopReason(plan.finish),
    stop_sequence: null,
    usage: anthropicUsage(plan.usage, totalOutput(plan.usage)),
  };
}

function event(type: string, data: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

const PING = 'event: ping\ndata: {"type":"ping"}\n\n';

/**
 * Anthropic's stream: `message_start` (usage with the input side, `output_tokens: 1`), per content
 * block `content_block_start` / deltas / `content_block_stop` (a `ping` after the first block
 * start), `message_delta` (stop reason and cumulative usage), `message_stop`. Thinking streams as
 * `thinking_delta` + `signature_delta`, text as `text_delta`, tool input as several
 * `input_json_delta` pieces.
 */
function renderEvents(plan: ReplyPlan, input: ChatInput, identity: ResponseIdentity): string[] {
  const events: string[] = [
    event('message_start', {
      type: 'message_start',
      message: {
        id: anthropicMessageId(identity.sequence),
        type: 'message',
        role: 'assistant',
        model: input.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: anthropicUsage({ ...plan.usage, reasoningTokens: 0 }, 1),
      },
    }),
  ];
  let pinged = false;
  const start = (index: number, block: JsonRecord): void => {
    events.push(event('content_block_start', { type: 'content_block_start', index, content_block: block }));
    if (!pinged) {
      events.push(PING);
      pinged = true;
    }
  };
  const delta = (index: number, payload: JsonRecord): void => {
    events.push(event('content_block_delta', { type: 'content_block_delta', index, delta: payload }));
  };
  const stop = (index: number): void => {
    events.push(event('content_block_stop', { type: 'content_block_stop', index }));
  };

  const chunkCount = Math.max(1, plan.textChunks.length, plan.toolCall?.argumentChunks.length ?? 0);
  let index = 0;
  if (plan.reasoningText !== null) {
    start(index, { type: 'thinking', thinking: '', signature: '' });
    if (input.showReasoning) {
      for (const piece of splitIntoChunks(plan.reasoningText, chunkCount))
        delta(index, { type: 'thinking_delta', thinking: piece });
    }
    delta(index, { type: 'signature_delta', signature: anthropicThinkingSignature(input.model) });
    stop(index);
    index += 1;
  }
  if (plan.kind === 'text') {
    start(index, { type: 'text', text: '' });
    for (const piece of plan.textChunks) delta(index, { type: 'text_delta', text: piece });
    stop(index);
  } else if (plan.toolCall !== null) {
    start(index, {
      type: 'tool_use',
      id: anthropicToolUseId(plan.toolCall.idSeed),
      name: plan.toolCall.name,
      input: {},
    });
    for (const piece of plan.toolCall.argumentChunks)
      delta(index, { type: 'input_json_delta', partial_json: piece });
    stop(index);
  }
  if (!pinged) events.push(PING);
  const usage = anthropicUsage(plan.usage, totalOutput(plan.usage));
  delete usage.cache_creation;
  delete usage.service_tier;
  events.push(
    event('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: anthropicStopReason(plan.finish), stop_sequence: null },
      usage,
    }),
  );
  events.push(event('message_stop', { type: 'message_stop' }));
  return events;
}

export const anthropicMessagesRenderer: ChatRenderer = {
  renderJson,
  renderEvents,
  malformedEvent:
    'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_del\n\n',
  errorEvent: (message) => event('error', { type: 'error', error: { type: 'overloaded_error', message } }),
  streamContentType: 'text/event-stream; charset=utf-8',
  supportsSafetyBlock: true,
};
