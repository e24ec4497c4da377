import { z } from 'zod';

/**
 * Google's `GenerateContentRequest` (the Gemini API's REST shape, camelCase), as far as the
 * gateway reads it. Unknown fields are kept (Google adds fields often; the SDK and Gemini CLI send
 * only what they know), so a newer client is not refused for a field the gateway would ignore.
 */
const record = z.record(z.string(), z.unknown());

export const GeminiBlob = z.looseObject({ mimeType: z.string().min(1), data: z.string() });
export const GeminiFileData = z.looseObject({ mimeType: z.string().optional(), fileUri: z.string().min(1) });
export const GeminiFunctionCall = z.looseObject({
  name: z.string().min(1),
  args: record.optional(),
  id: z.string().optional(),
});
export const GeminiFunctionResponse = z.looseObject({
  name: z.string().min(1),
  response: record,
  id: z.string().optional(),
});

export const GeminiPart = z.looseObject({
  text: z.string().optional(),
  thought: z.boolean().optional(),
  thoughtSignature: z.string().optional(),
  inlineData: GeminiBlob.optional(),
  fileData: GeminiFileData.optional(),
  functionCall: GeminiFunctionCall.optional(),
  functionResponse: GeminiFunctionResponse.optional(),
});
export type GeminiPart = z.infer<typeof GeminiPart>;

export const GeminiContent = z.looseObject({
  role: z.enum(['user', 'model', 'function']).optional(),
  parts: z.array(GeminiPart),
});
export type GeminiContent = z.infer<typeof GeminiContent>;

export const GeminiFunctionDeclaration = z.looseObject({
  name: z.string().min(1),
  description: z.string().optional(),
  parameters: record.optional(),
  parametersJsonSchema: record.optional(),
});
export type GeminiFunctionDeclaration = z.infer<typeof GeminiFunctionDeclaration>;

export const GeminiTool = z.looseObject({
  functionDeclarations: z.array(GeminiFunctionDeclaration).optional(),
});
export type GeminiTool = z.infer<typeof GeminiTool>;

export const GeminiToolConfig = z.looseObject({
  functionCallingConfig: z
    .looseObject({
      mode: z.enum(['MODE_UNSPECIFIED', 'AUTO', 'ANY', 'NONE', 'VALIDATED']).optional(),
      allowedFunctionNames: z.array(z.string().min(1)).optional(),
    })
    .optional(),
});

export const GeminiThinkingConfig = z.looseObject({
  includeThoughts: z.boolean().optional(),
  thinkingBudget: z.number().int().min(-1).optional(),
  thinkingLevel: z
    .enum(['THINKING_LEVEL_UNSPECIFIED', 'MINIMAL', 'LOW', 'MEDIUM', 'HIGH'])
    .or(z.enum(['minimal', 'low', 'medium', 'high']))
    .optional(),
});
export type GeminiThinkingConfig = z.infer<typeof GeminiThinkingConfig>;

export const GeminiGenerationConfig = z.looseObject({
  temperature: z.number().min(0).max(2).optional(),
  topP: z.number().min(0).max(1).optional(),
  topK: z.number().int().positive().optional(),
  maxOutputTokens: z.number().int().positive().optional(),
  stopSequences: z.array(z.string()).max(5).optional(),
  candidateCount: z.number().int().positive().optional(),
  presencePenalty: z.number().optional(),
  frequencyPenalty: z.number().optional(),
  seed: z.number().int().optional(),
  responseMimeType: z.string().optional(),
  responseSchema: record.optional(),
  responseJsonSchema: record.optional(),
  thinkingConfig: GeminiThinkingConfig.optional(),
});
export type GeminiGenerationConfig = z.infer<typeof GeminiGenerationConfig>;

export const GeminiSafetySetting = z.looseObject({
  category: z.string().min(1),
  threshold: z.string().min(1),
});

export const GeminiGenerateContentRequest = z.looseObject({
  contents: z.array(GeminiContent).min(1),
  systemInstruction: GeminiContent.optional(),
  tools: z.array(GeminiTool).optional(),
  toolConfig: GeminiToolConfig.optional(),
  generationConfig: GeminiGenerationConfig.optional(),
  safetySettings: z.array(GeminiSafetySetting).optional(),
  cachedContent: z.string().optional(),
});
export type GeminiGenerateContentRequest = z.infer<typeof GeminiGenerateContentRequest>;

/** `countTokens`: the contents alone, or a whole `generateContentRequest`. */
export const GeminiCountTokensRequest = z.looseObject({
  contents: z.array(GeminiContent).optional(),
  generateContentRequest: GeminiGenerateContentRequest.optional(),
});
