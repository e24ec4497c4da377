import type { ChatInput } from '../shared/chat-input';
import type { ChatRenderer, ResponseIdentity } from '../shared/chat-responder';
import { deterministicToken } from '../shared/hash';
import type { JsonRecord } from '../shared/json-value';
import type { MockFinishReason, ReplyPlan } from '../shared/reply-plan';
import { textTokens, type MockUsage } from '../shared/token-estimate';

export function geminiResponseId(sequence: number): string {
  return deterministicToken(`gemini:${sequence}`, 23);
}

export function geminiFinishReason(finish: MockFinishReason): string {
  switch (finish) {
    case 'length':
      return 'MAX_TOKENS';
    case 'content_filter':
      return 'SAFETY';
    case 'stop':
    case 'tool_calls':
      return 'STOP';
  }
}

/**
 * Gemini usage: `promptTokenCount` includes cached tokens (`cachedContentTokenCount`, present when
 * non-zero); `thoughtsTokenCount` (present when the request thought) is outside
 * `candidatesTokenCount`; `totalTokenCount` adds all three.
 */
export function geminiUsageMetadata(usage: MockUsage, candidates: number): JsonRecord {
  const metadata: JsonRecord = {
    promptTokenCount: usage.promptTokens,
    candidatesTokenCount: candidates,
    totalTokenCount: usage.promptTokens + candidates + usage.reasoningTokens,
  };
  if (usage.cachedTokens > 0) metadata.cachedContentTokenCount = usage.cachedTokens;
  metadata.promptTokensDetails = [{ modality: 'TEXT', tokenCount: usage.promptTokens }];
  if (usage.cachedTokens > 0)
    metadata.cacheTokensDetails = [{ modality: 'TEXT', tokenCount: usage.cachedTokens }];
  if (usage.reasoningTokens > 0) metadata.thoughtsTokenCount = usage.reasoningTokens;
  return metadata;
}

const SAFETY_RATINGS = [
  { category: 'HARM_CATEGORY_SEXUALLY_EXPLICIT', probability: 'NEGLIGIBLE' },
  { category: 'HARM_CATEGORY_HATE_SPEECH', probability: 'NEGLIGIBLE' },
  { category: 'HARM_CATEGORY_HARASSMENT', probability: 'NEGLIGIBLE' },
  { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true },
];

/** What Gemini rates an answer it let through: each category, nothing blocked. */
const PASSED_SAFETY_RATINGS = [
  { category: 'HARM_CATEGORY_SEXUALLY_EXPLICIT', probability: 'NEGLIGIBLE' },
  { category: 'HARM_CATEGORY_HATE_SPEECH', probability: 'NEGLIGIBLE' },
  { category: 'HARM_CATEGORY_HARASSMENT', probability: 'NEGLIGIBLE' },
  { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'NEGLIGIBLE' },
];

function blockedResponse(plan: ReplyPlan, input: ChatInput, identity: ResponseIdentity): JsonRecord {
  return {
    promptFeedback: { blockReason: 'SAFETY', safetyRatings: SAFETY_RATINGS },
    usageMetadata: {
      promptTokenCount: plan.usage.promptTokens,
      totalTokenCount: plan.usage.promptTokens,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: plan.usage.promptTokens }],
    },
    modelVersion: input.model,
    responseId: geminiResponseId(identity.sequence),
  };
}

function response(
  parts: JsonRecord[],
  finish: string | null,
  usage: JsonRecord,
  input: ChatInput,
  identity: ResponseIdentity,
): JsonRecord {
  const candidate: JsonRecord = { content: { parts, role: 'model' } };
  if (finish !== null) {
    // as Gemini does: the finishing candidate carries its safetyRatings, after finishReason
    candidate.finishReason = finish;
    candidate.safetyRatings = PASSED_SAFETY_RATINGS;
  }
  candidate.index = 0;
  return {
    candidates: [candidate],
    usageMetadata: usage,
    modelVersion: input.model,
    responseId: geminiResponseId(identity.sequence),
  };
}

function renderJson(plan: ReplyPlan, input: ChatInput, identity: ResponseIdentity): unknown {
  if (plan.kind === 'blocked') return blockedResponse(plan, input, identity);
  const parts: JsonRecord[] = [];
  if (plan.reasoningText !== null && input.showReasoning)
    parts.push({ text: plan.reasoningText, thought: true });
  if (plan.toolCall !== null)
    parts.push({ functionCall: { name: plan.toolCall.name, args: plan.toolCall.arguments } });
  else parts.push({ text: plan.text });
  return response(
    parts,
    geminiFinishReason(plan.finish),
    geminiUsageMetadata(plan.usage, plan.usage.outputTokens),
    input,
    identity,
  );
}

/**
 * Gemini's stream: one `GenerateContentResponse` per event, each with the cumulative
 * `usageMetadata`; thoughts first when `includeThoughts`, then the text pieces (the last one with
 * `finishReason`), or a function call whole in one event (Gemini does not split `args`). A
 * blocked prompt is one event with `promptFeedback`.
 */
function renderResponses(plan: ReplyPlan, input: ChatInput, identity: ResponseIdentity): JsonRecord[] {
  if (plan.kind === 'blocked') return [blockedResponse(plan, input, identity)];
  const responses: JsonRecord[] = [];
  if (plan.reasoningText !== null && input.showReasoning) {
    responses.push(
      response(
        [{ text: plan.reasoningText, thought: true }],
        null,
        geminiUsageMetadata(plan.usage, 0),
        input,
        identity,
      ),
    );
  }
  const finish = geminiFinishReason(plan.finish);
  if (plan.toolCall !== null) {
    const part = { functionCall: { name: plan.toolCall.name, args: plan.toolCall.arguments } };
    responses.push(
      response([part], finish, geminiUsageMetadata(plan.usage, plan.usage.outputTokens), input, identity),
    );
    return responses;
  }
  const pieces = plan.textChunks.length === 0 ? [''] : plan.textChunks;
  let characters = 0;
  pieces.forEach((piece, index) => {
    characters += piece.length;
    const last = index === pieces.length - 1;
    const candidates = last ? plan.usage.outputTokens : textTokens(characters);
    responses.push(
      response(
        [{ text: piece }],
        last ? finish : null,
        geminiUsageMetadata(plan.usage, candidates),
        input,
        identity,
      ),
    );
  });
  return responses;
}

/** `?alt=sse`: `data: <json>\r\n\r\n` events. */
export const geminiSseRenderer: ChatRenderer = {
  renderJson,
  renderEvents: (plan, input, identity) =>
    renderResponses(plan, input, identity).map((entry) => `data: ${JSON.stringify(entry)}\r\n\r\n`),
  malformedEvent: 'data: {"candidates":[{"content":{"parts":[{"text":\r\n\r\n',
  errorEvent: (message) =>
    `data: ${JSON.stringify({ error: { code: 500, message, status: 'INTERNAL' } })}\r\n\r\n`,
  streamContentType: 'text/event-stream',
  supportsSafetyBlock: true,
};

/** Without `alt=sse`, `streamGenerateContent` streams one JSON array of responses. */
export const geminiJsonArrayRenderer: ChatRenderer = {
  renderJson,
  renderEvents: (plan, input, identity) => {
    const responses = renderResponses(plan, input, identity);
    return responses.map(
      (entry, index) =>
        `${index === 0 ? '[' : ',\r\n'}${JSON.stringify(entry)}${index === responses.length - 1 ? ']' : ''}`,
    );
  },
  malformedEvent: ',\r\n{"candidates":[{"content":',
  errorEvent: (message, first) =>
    `${first ? '[' : ',\r\n'}${JSON.stringify({ error: { code: 500, message, status: 'INTERNAL' } })}]`,
  streamContentType: 'application/json; charset=UTF-8',
  supportsSafetyBlock: true,
};
