import { z } from 'zod';

/** The parts of Gemini's GenerateContentResponse that the adapter reads. */

export const GeminiPart = z.looseObject({
  text: z.string().optional(),
  thought: z.boolean().optional(),
  thoughtSignature: z.string().optional(),
  functionCall: z
    .looseObject({ name: z.string(), args: z.record(z.string(), z.unknown()).nullish() })
    .optional(),
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
