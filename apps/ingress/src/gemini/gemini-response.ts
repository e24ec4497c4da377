/** Google's `GenerateContentResponse` as this surface writes it (key order as Google sends it). */
export interface GeminiResponsePart {
  text?: string;
  thought?: boolean;
  functionCall?: { name: string; args: Record<string, unknown>; id?: string };
  thoughtSignature?: string;
}

export interface GeminiCandidate {
  content: { parts: GeminiResponsePart[]; role: 'model' };
  finishReason?: GeminiFinishReason;
  /** the rest are a Gemini deployment's own, written back from `provider_fields.gemini`. */
  safetyRatings?: unknown[];
  citationMetadata?: unknown;
  groundingMetadata?: unknown;
  index: 0;
}

export interface GeminiUsageMetadata {
  promptTokenCount: number;
  candidatesTokenCount: number;
  totalTokenCount: number;
  cachedContentTokenCount?: number;
  thoughtsTokenCount?: number;
}

export interface GeminiGenerateContentResponse {
  candidates: GeminiCandidate[];
  promptFeedback?: unknown;
  usageMetadata?: GeminiUsageMetadata;
  modelVersion: string;
  responseId: string;
}

/** Google's own finish reasons; a Gemini deployment's native one (RECITATION, SPII, ...) passes as sent. */
export type GeminiFinishReason = 'STOP' | 'MAX_TOKENS' | 'SAFETY' | 'OTHER' | (string & {});

export interface GeminiModel {
  name: string;
  version: string;
  displayName: string;
  description: string;
  inputTokenLimit: number;
  outputTokenLimit: number;
  supportedGenerationMethods: string[];
}
