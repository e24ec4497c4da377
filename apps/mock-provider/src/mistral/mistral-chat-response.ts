import type { ChatInput } from '../shared/chat-input';
import type { ChatRenderer, ResponseIdentity } from '../shared/chat-responder';
import { deterministicToken } from '../shared/hash';
import type { JsonRecord } from '../shared/json-value';
import type { MockFinishReason, ReplyPlan } from '../shared/reply-plan';
import type { MockUsage } from '../shared/token-estimate';

export function mistralCompletionId(sequence: number): string {
  return deterministicToken(`mistral:${sequence}`, 32, 'hex');
}

/** Mistral tool call ids are 9 alphanumerics. */
export function mistralToolCallId(seed: string): string {
  return deterministicToken(`mistral-call:${seed}`, 9);
}

/** Mistral usage: prompt, completion (reasoning included) and total, nothing else. */
export function mistralUsage(usage: MockUsage): JsonRecord {
  const completion = usage.outputTokens + usage.reasoningTokens;
  return {
    prompt_tokens: usage.promptTokens,
    total_tokens: usage.promptTokens + completion,
    completion_tokens: completion,
  };
}

function finishReason(finish: MockFinishReason): string {
  // Mistral has no content filter finish reason; the mock never blocks a Mistral reply.
  return finish === 'content_filter' ? 'stop' : finish;
}

function toolCalls(plan: ReplyPlan): unknown[] | null {
  if (plan.toolCall === null) return null;
  return [
    {
      id: mistralToolCallId(plan.toolCall.idSeed),
      type: 'function',
      function: { name: plan.toolCall.name, arguments: plan.toolCall.argumentsJson },
      index: 0,
    },
  ];
}

function renderJson(plan: ReplyPlan, input: ChatInput, identity: ResponseIdentity): unknown {
  return {
    id: mistralCompletionId(identity.sequence),
    object: 'chat.completion',
    model: input.model,
    usage: mistralUsage(plan.usage),
    created: identity.created,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', tool_calls: toolCalls(plan), content: plan.text },
        finish_reason: finishReason(plan.finish),
      },
    ],
  };
}

/**
 * Mistral's stream: a role chunk, the text pieces, a tool call arrives whole in ONE chunk (Mistral
 * does not split arguments), and the last chunk carries the finish reason and the usage (always:
 * Mistral has no `stream_options`), then `data: [DONE]`.
 */
function renderEvents(plan: ReplyPlan, input: ChatInput, identity: ResponseIdentity): string[] {
  const head = `{"id":"${mistralCompletionId(identity.sequence)}","object":"chat.completion.chunk","created":${identity.created},"model":${JSON.stringify(input.model)},"choices":`;
  const chunk = (delta: unknown): string =>
    `data: ${head}[{"index":0,"delta":${JSON.stringify(delta)},"finish_reason":null}]}\n\n`;
  const events = [chunk({ role: 'assistant', content: '' })];
  const calls = toolCalls(plan);
  if (calls !== null) events.push(chunk({ tool_calls: calls }));
  for (const piece of plan.textChunks) events.push(chunk({ content: piece }));
  events.push(
    `data: ${head}[{"index":0,"delta":{"content":""},"finish_reason":"${finishReason(plan.finish)}"}],"usage":${JSON.stringify(mistralUsage(plan.usage))}}\n\n`,
  );
  events.push('data: [DONE]\n\n');
  return events;
}

export const mistralChatRenderer: ChatRenderer = {
  renderJson,
  renderEvents,
  malformedEvent:
    'data: {"id":"malformed","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":\n\n',
  errorEvent: (message) =>
    `data: ${JSON.stringify({ object: 'error', message, type: 'internal_server_error', param: null, code: null })}\n\n`,
  streamContentType: 'text/event-stream; charset=utf-8',
  supportsSafetyBlock: false,
};
