import type { GeminiCandidateFields, ProviderResponseFields } from '@switchyard/contracts';
import type { GeminiCandidate, PromptFeedback } from './gemini-wire';

/**
 * The fields of one candidate that the canonical shape has no place for: the native finish
 * reason, `safetyRatings`, `citationMetadata`, `groundingMetadata`, and the `thoughtSignature` of
 * its text (the last non-thought text part's). Only what the candidate carries.
 */
export function candidateFields(candidate: GeminiCandidate): GeminiCandidateFields {
  const fields: GeminiCandidateFields = {};
  if (candidate.finishReason !== undefined) fields.finishReason = candidate.finishReason;
  if (candidate.safetyRatings !== undefined) fields.safetyRatings = candidate.safetyRatings;
  if (candidate.citationMetadata !== undefined) fields.citationMetadata = candidate.citationMetadata;
  if (candidate.groundingMetadata !== undefined) fields.groundingMetadata = candidate.groundingMetadata;
  for (const part of candidate.content?.parts ?? []) {
    if (part.text !== undefined && !part.thought && part.thoughtSignature !== undefined) {
      fields.thoughtSignature = part.thoughtSignature;
    }
  }
  return fields;
}

/**
 * A later stream event's fields over the earlier ones: the latest `safetyRatings`,
 * `groundingMetadata` and signature win; `citationMetadata.citationSources` add up (each event
 * cites its own text).
 */
export function accumulateFields(
  earlier: GeminiCandidateFields,
  later: GeminiCandidateFields,
): GeminiCandidateFields {
  const merged = { ...earlier, ...later };
  const before = citationSources(earlier.citationMetadata);
  const after = citationSources(later.citationMetadata);
  if (before && after) {
    merged.citationMetadata = {
      ...(later.citationMetadata as object),
      citationSources: [...before, ...after],
    };
  }
  return merged;
}

function citationSources(metadata: unknown): unknown[] | null {
  if (typeof metadata !== 'object' || metadata === null) return null;
  const sources = (metadata as { citationSources?: unknown }).citationSources;
  return Array.isArray(sources) ? sources : null;
}

/** `provider_fields` for candidates (by index) and the prompt's feedback; undefined when empty. */
export function geminiProviderFields(
  candidates: ReadonlyMap<number, GeminiCandidateFields>,
  promptFeedback: PromptFeedback | undefined,
): ProviderResponseFields | undefined {
  const byIndex: Record<string, GeminiCandidateFields> = {};
  for (const [index, fields] of candidates) {
    if (Object.keys(fields).length > 0) byIndex[String(index)] = fields;
  }
  const gemini: NonNullable<ProviderResponseFields['gemini']> = {};
  if (promptFeedback !== undefined) gemini.promptFeedback = promptFeedback;
  if (Object.keys(byIndex).length > 0) gemini.candidates = byIndex;
  return Object.keys(gemini).length > 0 ? { gemini } : undefined;
}
