import type {
  ChatCompletion,
  ChatCompletionChoice,
  FinishReason,
  OpenAIUsage,
  TokenUsage,
} from '@switchyard/contracts';
import { isRecord, type JsonRecord } from '../shared/json';
import { malformedResponse } from '../shared/upstream-error';
import type { ChatResult, UpstreamTarget } from '../shared/spec';
import { toOpenAIUsage } from '../usage/to-openai-usage';
import { convertOpenAIUsage } from './convert-openai-usage';
import { mapOpenAIFinishReason } from './map-openai-finish-reason';
import { withCanonicalReasoning } from './openai-reasoning-fields';

/** Upstream usage with the canonical counts laid over it (extra detail fields survive). */
export function mergeUsage(upstream: unknown, canonical: OpenAIUsage): OpenAIUsage {
  const original = isRecord(upstream) ? upstream : {};
  const promptDetails = isRecord(original.prompt_tokens_details) ? original.prompt_tokens_details : {};
  const completionDetails = isRecord(original.completion_tokens_details)
    ? original.completion_tokens_details
    : {};
  return {
    ...original,
    ...canonical,
    prompt_tokens_details: { ...promptDetails, ...canonical.prompt_tokens_details },
    completion_tokens_details: { ...completionDetails, ...canonical.completion_tokens_details },
  };
}

/** What OpenAI-like dialects (Mistral) change when a completion is returned. */
export interface CompletionDialect {
  /** rewrites one choice's message (Mistral: content chunks → text and reasoning). */
  normalizeMessage?(message: JsonRecord): JsonRecord;
  mapFinishReason?(value: unknown): FinishReason | null;
  convertUsage?(usage: unknown): TokenUsage;
}

export function parseOpenAICompatibleChatResponse(
  body: unknown,
  target: UpstreamTarget,
  dialect: CompletionDialect = {},
): ChatResult {
  const mapFinishReason = dialect.mapFinishReason ?? mapOpenAIFinishReason;
  if (!isRecord(body) || !Array.isArray(body.choices)) throw malformedResponse(target.provider, 'no choices');
  const choices = body.choices.map((choice: unknown, position): ChatCompletionChoice => {
    if (!isRecord(choice) || !isRecord(choice.message)) {
      throw malformedResponse(target.provider, `choice ${position} has no message`);
    }
    const upstreamMessage = withCanonicalReasoning({ ...choice.message });
    const message = dialect.normalizeMessage ? dialect.normalizeMessage(upstreamMessage) : upstreamMessage;
    return {
      ...choice,
      index: typeof choice.index === 'number' ? choice.index : position,
      message: {
        ...message,
        role: 'assistant',
        content: typeof message.content === 'string' ? message.content : null,
      },
      finish_reason: mapFinishReason(choice.finish_reason),
    };
  });
  const usage = (dialect.convertUsage ?? ((upstream: unknown) => convertOpenAIUsage(upstream)))(body.usage);
  const response: ChatCompletion = {
    ...body,
    id: typeof body.id === 'string' ? body.id : '',
    object: 'chat.completion',
    created: typeof body.created === 'number' ? body.created : 0,
    model: typeof body.model === 'string' ? body.model : target.providerModel,
    choices,
    usage: mergeUsage(body.usage, toOpenAIUsage(usage)),
  };
  return { response, usage, finishReason: choices[0]?.finish_reason ?? null };
}
