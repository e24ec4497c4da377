import { z } from 'zod';

/** The parts of Gemini's GenerateContentResponse that the adapter reads. */

/**
 * One piece of streamed function-call arguments (`streamFunctionCallArguments`): the value at a
 * JSON path of the arguments; a string value with `willContinue` goes on in the next piece.
 */
export const GeminiPartialArg = z.looseObject({
  jsonPath: z.string(),
  stringValue: z.string().optional(),
  numberValue: z.number().optional(),
  boolValue: z.boolean().optional(),
  nullValue: z.unknown().optional(),
  willContinue: z.boolean().optional(),
});
export type GeminiPartialArg = z.infer<typeof GeminiPartialArg>;

/**
 * A function call: whole (`name` and `args`), or streamed over several parts: the first with
 * `name` and `willContinue: true`, then parts without `name` carrying `partialArgs`, the last
 * without `willContinue`.
 */
export const GeminiFunctionCall = z.looseObject({
  name: z.string().optional(),
  args: z.record(z.string(), z.unknown()).nullish(),
  partialArgs: z.array(GeminiPartialArg).optional(),
  willContinue: z.boolean().optional(),
});
export type GeminiFunctionCall = z.infer<typeof GeminiFunctionCall>;

export const GeminiPart = z.looseObject({
  text: z.string().optional(),
  thought: z.boolean().optional(),
  thoughtSignature: z.string().optional(),
  functionCall: GeminiFunctionCall.optional(),
});
export type GeminiPart = z.infer<typeof GeminiPart>;

export const SafetyRating = z.looseObject({
  category: z.string().optional(),
  probability: z.string().optional(),
  blocked: z.boolean().optional(),
});
export type SafetyRating = z.infer<typeof SafetyRating>;

export const GeminiCandidate = z.looseObject({
  index: z.number().int().nonnegative().optional(),
  content: z.looseObject({ role: z.string().optional(), parts: z.array(GeminiPart).optional() }).optional(),
  finishReason: z.string().optional(),
  safetyRatings: z.array(SafetyRating).optional(),
  citationMetadata: z.unknown().optional(),
  groundingMetadata: z.unknown().optional(),
});
export type GeminiCandidate = z.infer<typeof GeminiCandidate>;

const count = z.number().nonnegative().optional();

export const GeminiUsageMetadata = z.looseObject({
  promptTokenCount: count,
  cachedContentTokenCount: count,
  candidatesTokenCount: count,
  thoughtsTokenCount: count,
  toolUsePromptTokenCount: count,
  totalTokenCount: count,
});
export type GeminiUsageMetadata = z.infer<typeof GeminiUsageMetadata>;

export const PromptFeedback = z.looseObject({
  blockReason: z.string().optional(),
  blockReasonMessage: z.string().optional(),
  safetyRatings: z.array(SafetyRating).optional(),
});
export type PromptFeedback = z.infer<typeof PromptFeedback>;

export const GenerateContentResponse = z.looseObject({
  candidates: z.array(GeminiCandidate).optional(),
  promptFeedback: PromptFeedback.optional(),
  usageMetadata: GeminiUsageMetadata.optional(),
  modelVersion: z.string().optional(),
  responseId: z.string().optional(),
});
export type GenerateContentResponse = z.infer<typeof GenerateContentResponse>;

export const GeminiErrorBody = z.looseObject({
  error: z.looseObject({
    code: z.number().optional(),
    message: z.string().optional(),
    status: z.string().optional(),
    details: z.array(z.unknown()).optional(),
  }),
});

export const BatchEmbedContentsResponse = z.looseObject({
  embeddings: z.array(z.looseObject({ values: z.array(z.number()) })),
});
