import { z } from 'zod';
import { isRecord } from './json-value';
import { MockFormats, type MockFormat } from './mock-format';
import { MockHttpError } from './mock-http-error';

/**
 * Fault and latency knobs. A request gets them, in increasing precedence, from the run's defaults
 * (environment), the first matching control-API rule, the `x-mock-fault` header (JSON) and a
 * `[[mock:{…}]]` directive in the last user message.
 */
export const FaultKnobs = z.strictObject({
  /** delay before the first byte of the response (headers), in ms. */
  latencyMs: z.number().nonnegative().optional(),
  /** delay between the headers and the first stream event (for JSON, added to latency), in ms. */
  ttftMs: z.number().nonnegative().optional(),
  /** delay between consecutive stream events, in ms. */
  chunkDelayMs: z.number().nonnegative().optional(),
  /** number of pieces the reply text (and tool arguments) is cut into when streamed. */
  chunks: z.number().int().positive().optional(),
  /** answer with this error status and the provider's own error body. */
  status: z.number().int().min(400).max(599).optional(),
  /** message of the error body for `status`. */
  message: z.string().optional(),
  /** sets the `retry-after` header (seconds), on any response. */
  retryAfter: z.number().nonnegative().optional(),
  /** destroy the socket after this many stream events (0: right after the headers). */
  cutAfterChunks: z.number().int().nonnegative().optional(),
  /** end the stream after N events with the provider's in-stream error event (a server error). */
  errorAfterChunks: z.number().int().nonnegative().optional(),
  /** insert an invalid-JSON event so that it is the Nth event of the stream (1-based). */
  malformedChunkAt: z.number().int().positive().optional(),
  /** end an OpenAI-style stream (OpenAI, Mistral) without `data: [DONE]`, as some vendors close it. */
  omitDone: z.boolean().optional(),
  /** block the prompt: Gemini `promptFeedback.blockReason: SAFETY`, OpenAI `content_filter`, Anthropic `refusal`. */
  safetyBlock: z.boolean().optional(),
  /** replace the reply text. */
  reply: z.string().optional(),
  /**
   * when the conversation ends with a user message: call this offered tool, with these arguments
   * (default: the tool-argument rule), whatever the message says; a tool result still gets text.
   */
  toolCall: z
    .strictObject({
      name: z.string().min(1),
      arguments: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
});
export type FaultKnobs = z.infer<typeof FaultKnobs>;

export const FaultMatch = z.strictObject({
  /** exact model id, or a regular expression written `/pattern/flags`. */
  model: z.string().optional(),
  format: z.enum(MockFormats).optional(),
});
export type FaultMatch = z.infer<typeof FaultMatch>;

/** One control-API rule: knobs inline or under `fault`, an optional match and an optional count. */
export const FaultRuleInput = z.strictObject({
  ...FaultKnobs.shape,
  match: FaultMatch.optional(),
  /** apply to the next N matching requests only (default: every matching request). */
  times: z.number().int().positive().optional(),
  fault: FaultKnobs.optional(),
});
export type FaultRuleInput = z.infer<typeof FaultRuleInput>;

const FaultRuleList = z.array(FaultRuleInput);

/** The run's defaults (environment or factory options). */
export interface RunDefaults {
  latencyMs: number;
  chunkDelayMs: number;
  streamChunks: number;
}

/** The knobs in force for one request, after every layer was applied. */
export interface EffectiveKnobs {
  latencyMs: number;
  ttftMs: number;
  chunkDelayMs: number;
  chunks: number;
  status: number | null;
  message: string | null;
  retryAfter: number | null;
  cutAfterChunks: number | null;
  errorAfterChunks: number | null;
  malformedChunkAt: number | null;
  omitDone: boolean;
  safetyBlock: boolean;
  reply: string | null;
  toolCall: MockToolCallKnob | null;
}

export type MockToolCallKnob = NonNullable<FaultKnobs['toolCall']>;

/** Merges the layers (later wins) into effective knobs; `applied` is what the layers set, for the log. */
export function resolveKnobs(
  defaults: RunDefaults,
  layers: ReadonlyArray<FaultKnobs | null>,
): { knobs: EffectiveKnobs; applied: FaultKnobs | null } {
  const present = layers.filter((layer): layer is FaultKnobs => layer !== null);
  const applied =
    present.length === 0
      ? null
      : present.reduce<FaultKnobs>((merged, layer) => ({ ...merged, ...layer }), {});
  const set = applied ?? {};
  return {
    applied,
    knobs: {
      latencyMs: set.latencyMs ?? defaults.latencyMs,
      ttftMs: set.ttftMs ?? 0,
      chunkDelayMs: set.chunkDelayMs ?? defaults.chunkDelayMs,
      chunks: set.chunks ?? defaults.streamChunks,
      status: set.status ?? null,
      message: set.message ?? null,
      retryAfter: set.retryAfter ?? null,
      cutAfterChunks: set.cutAfterChunks ?? null,
      errorAfterChunks: set.errorAfterChunks ?? null,
      malformedChunkAt: set.malformedChunkAt ?? null,
      omitDone: set.omitDone ?? false,
      safetyBlock: set.safetyBlock ?? false,
      reply: set.reply ?? null,
      toolCall: set.toolCall ?? null,
    },
  };
}

/** Parses the JSON of an `x-mock-fault` header or a `[[mock:…]]` directive; a bad one is a 400. */
export function parseFaultJson(text: string, source: string): FaultKnobs {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new MockHttpError(400, `${source}: not valid JSON`);
  }
  const parsed = FaultKnobs.safeParse(value);
  if (!parsed.success) {
    throw new MockHttpError(400, `${source}: ${parsed.error.issues.map(describeIssue).join('; ')}`);
  }
  return parsed.data;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  return issue.path.length === 0 ? issue.message : `${issue.path.join('.')}: ${issue.message}`;
}

interface FaultRule {
  id: number;
  match: FaultMatch;
  modelPattern: RegExp | null;
  remaining: number | null;
  knobs: FaultKnobs;
  hits: number;
}

const regexLiteral = /^\/(.+)\/([dgimsuvy]*)$/;

/** The run's fault rules, managed through the control API (`/__mock/faults`). */
export class FaultRuleBook {
  private rules: FaultRule[] = [];
  private nextId = 1;

  /** Validates and adds rules; throws a 400 `MockHttpError` naming what is wrong. */
  add(input: unknown): void {
    const list: unknown = Array.isArray(input) ? input : isRecord(input) ? input.rules : undefined;
    if (!Array.isArray(list))
      throw new MockHttpError(400, 'fault rules: expected [rule, …] or {"rules": [rule, …]}');
    const parsed = FaultRuleList.safeParse(list);
    if (!parsed.success) {
      throw new MockHttpError(400, `fault rules: ${parsed.error.issues.map(describeIssue).join('; ')}`);
    }
    const rules = parsed.data.map((rule) => this.compile(rule));
    this.rules.push(...rules);
  }

  replace(input: unknown): void {
    const previous = this.rules;
    this.rules = [];
    try {
      this.add(input);
    } catch (error) {
      this.rules = previous;
      throw error;
    }
  }

  clear(): void {
    this.rules = [];
  }

  /** The knobs of the first rule that matches, counting the use against its `times`. */
  take(format: MockFormat, model: string): FaultKnobs | null {
    if (this.rules.length === 0) return null;
    const index = this.rules.findIndex((rule) => matches(rule, format, model));
    if (index === -1) return null;
    const rule = this.rules[index];
    rule.hits += 1;
    if (rule.remaining !== null) {
      rule.remaining -= 1;
      if (rule.remaining === 0) this.rules.splice(index, 1);
    }
    return rule.knobs;
  }

  list(): Array<{
    id: number;
    match: FaultMatch;
    remaining: number | null;
    hits: number;
    fault: FaultKnobs;
  }> {
    return this.rules.map((rule) => ({
      id: rule.id,
      match: rule.match,
      remaining: rule.remaining,
      hits: rule.hits,
      fault: rule.knobs,
    }));
  }

  private compile(input: FaultRuleInput): FaultRule {
    const { match, times, fault, ...inline } = input;
    let modelPattern: RegExp | null = null;
    const literal = match?.model === undefined ? null : regexLiteral.exec(match.model);
    if (literal !== null) {
      try {
        modelPattern = new RegExp(literal[1], literal[2]);
      } catch {
        throw new MockHttpError(400, `fault rules: invalid model pattern ${match?.model}`);
      }
    }
    return {
      id: this.nextId++,
      match: match ?? {},
      modelPattern,
      remaining: times ?? null,
      knobs: { ...inline, ...fault },
      hits: 0,
    };
  }
}

function matches(rule: FaultRule, format: MockFormat, model: string): boolean {
  if (rule.match.format !== undefined && rule.match.format !== format) return false;
  if (rule.match.model === undefined) return true;
  if (rule.modelPattern !== null) {
    rule.modelPattern.lastIndex = 0;
    return rule.modelPattern.test(model);
  }
  return rule.match.model === model;
}
