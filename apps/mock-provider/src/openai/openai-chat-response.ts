import type { ChatInput } from '../shared/chat-input';
import type { ChatRenderer, ResponseIdentity } from '../shared/chat-responder';
import { deterministicToken } from '../shared/hash';
import type { JsonRecord } from '../shared/json-value';
import type { ReplyPlan } from '../shared/reply-plan';
import type { MockUsage } from '../shared/token-estimate';

const SYSTEM_FINGERPRINT = 'fp_mock';

export function openAiCompletionId(sequence: number): string {
  return `chatcmpl-${deterministicToken(`chatcmpl:${sequence}`, 29)}`;
}

export function openAiToolCallId(seed: string): string {
  return `call_${deterministicToken(`call:${seed}`, 24)}`;
}

/** OpenAI usage: prompt includes cached tokens; completion includes reasoning tokens. */
export function openAiUsage(usage: MockUsage): JsonRecord {
  const completion = usage.outputTokens + usage.reasoningTokens;
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: completion,
    total_tokens: usage.promptTokens + completion,
    prompt_tokens_details: { cached_tokens: usage.cachedTokens, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: usage.reasoningTokens,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function renderJson(plan: ReplyPlan, input: ChatInput, identity: ResponseIdentity): unknown {
  const message: JsonRecord = { role: 'assistant', content: null, refusal: null, annotations: [] };
  if (plan.kind === 'text') message.content = plan.text;
  if (plan.toolCall !== null) {
    message.tool_calls = [
      {
        id: openAiToolCallId(plan.toolCall.idSeed),
        type: 'function',
        function: { name: plan.toolCall.name, arguments: plan.toolCall.argumentsJson },
      },
    ];
  }
  return {
    id: openAiCompletionId(identity.sequence),
    object: 'chat.completion',
    created: identity.created,
    model: input.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: plan.finish }],
    usage: openAiUsage(plan.usage),
    service_tier: 'default',
    system_fingerprint: SYSTEM_FINGERPRINT,
  };
}

/**
 * OpenAI's stream: a role chunk, one chunk per text piece (or tool-call argument piece), a chunk
 * with the finish reason, with `stream_options.include_usage` a last chunk with `choices: []` and
 * the usage (every earlier chunk then carries `"usage": null`), and `data: [DONE]`.
 */
function renderEvents(plan: ReplyPlan, input: ChatInput, identity: ResponseIdentity): string[] {
  const head = `{"id":"${openAiCompletionId(identity.sequence)}","object":"chat.completion.chunk","created":${identity.created},"model":${JSON.stringify(input.model)},"service_tier":"default","system_fingerprint":"${SYSTEM_FINGERPRINT}","choices":`;
  const tail = input.includeUsage ? ',"usage":null}\n\n' : '}\n\n';
  const chunk = (delta: unknown, finish: string | null): string =>
    `data: ${head}[{"index":0,"delta":${JSON.stringify(delta)},"logprobs":null,"finish_reason":${finish === null ? 'null' : `"${finish}"`}}]${tail}`;

  const events: string[] = [];
  const toolCall = plan.toolCall;
  if (toolCall !== null) {
    events.push(
      chunk(
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              index: 0,
              id: openAiToolCallId(toolCall.idSeed),
              type: 'function',
              function: { name: toolCall.name, arguments: '' },
            },
          ],
          refusal: null,
        },
        null,
      ),
    );
    for (const piece of toolCall.argumentChunks) {
      events.push(chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }, null));
    }
  } else {
    events.push(chunk({ role: 'assistant', content: '', refusal: null }, null));
    for (const piece of plan.textChunks) events.push(chunk({ content: piece }, null));
  }
  events.push(chunk({}, plan.finish));
  if (input.includeUsage) {
    events.push(`data: ${head}[],"usage":${JSON.stringify(openAiUsage(plan.usage))}}\n\n`);
  }
  events.push('data: [DONE]\n\n');
  return events;
}

export const openAiChatRenderer: ChatRenderer = {
  renderJson,
  renderEvents,
  malformedEvent:
    'data: {"id":"chatcmpl-malformed","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":\n\n',
  errorEvent: (message) =>
    `data: ${JSON.stringify({ error: { message, type: 'server_error', param: null, code: null } })}\n\n`,
  streamContentType: 'text/event-stream; charset=utf-8',
  supportsSafetyBlock: true,
};
