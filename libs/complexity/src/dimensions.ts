import type { DimensionDetail } from '@switchyard/contracts';
import type { ComplexitySettings, TokenThresholds } from './complexity-settings';
import { KeywordMatcher } from './keyword-matcher';
import type { Dimension } from './router-config';
import { PYTHON_WHITESPACE_CLASS, codePointLength, countOccurrences } from './text/unicode-text';

/** `floor(len(ask) / 4)`, with `len` counting code points as Python does. */
export function estimateTokens(ask: string): number {
  return Math.floor(codePointLength(ask) / 4);
}

/** −1.0 below the `simple` threshold, +1.0 above the `complex` one, else 0. */
export function tokenCountRaw(estimatedTokens: number, thresholds: Readonly<TokenThresholds>): number {
  if (estimatedTokens < thresholds.simple) return -1.0;
  if (estimatedTokens > thresholds.complex) return 1.0;
  return 0;
}

/** 0 for no match, 0.5 for one, 1.0 for two or more. */
export function codePresenceRaw(matches: number): number {
  return matches === 0 ? 0 : matches === 1 ? 0.5 : 1.0;
}

/** 0 for no match, 0.7 for one, 1.0 for two or more. */
export function reasoningMarkersRaw(matches: number): number {
  return matches === 0 ? 0 : matches === 1 ? 0.7 : 1.0;
}

/** 0 for up to one match, 0.5 for two or three, 1.0 for four or more. */
export function technicalTermsRaw(matches: number): number {
  return matches <= 1 ? 0 : matches <= 3 ? 0.5 : 1.0;
}

/** −1.0 for any match, else 0. */
export function simpleIndicatorsRaw(matches: number): number {
  return matches === 0 ? 0 : -1.0;
}

/** 0.5 when any multi-step pattern hits, else 0. */
export function multiStepPatternsRaw(hits: number): number {
  return hits > 0 ? 0.5 : 0;
}

/** 0.5 for more than three `?`, else 0. */
export function questionComplexityRaw(questionMarks: number): number {
  return questionMarks > 3 ? 0.5 : 0;
}

const SPACE = PYTHON_WHITESPACE_CLASS;

/**
 * LiteLLM's multi-step patterns with Python's `re` semantics: `.` is anything but `\n`, `\d` is any
 * Unicode decimal digit, `\s` is Python's whitespace, and `re.IGNORECASE` folds case Unicode-wide.
 */
export const MULTI_STEP_PATTERNS: readonly { label: string; pattern: RegExp }[] = [
  { label: 'first.*?then', pattern: /first[^\n]*?then/iu },
  { label: 'step\\s*\\d', pattern: new RegExp(`step${SPACE}*\\p{Nd}`, 'iu') },
  { label: '\\d+\\.\\s', pattern: new RegExp(`\\p{Nd}+\\.${SPACE}`, 'u') },
  { label: '[a-z]\\)\\s', pattern: new RegExp(`[a-z]\\)${SPACE}`, 'iu') },
];

/** The labels of the multi-step patterns found in `text`. */
export function findMultiStepPatterns(text: string): string[] {
  const found: string[] = [];
  for (const { label, pattern } of MULTI_STEP_PATTERNS) {
    if (pattern.test(text)) found.push(label);
  }
  return found;
}

/** The weighted score of one ask and what makes it up. */
export interface DimensionScores {
  /** Σ raw × weight, summed in the order of `dimensions`. */
  score: number;
  /** one entry per dimension, in LiteLLM's order. */
  dimensions: DimensionDetail[];
  /** distinct reasoning keywords in the ask (the reasoning bypass needs two). */
  reasoningMatches: number;
}

type ScorerSettings = Pick<
  ComplexitySettings,
  'weights' | 'tokenThresholds' | 'keywords' | 'scoreSystemPrompt'
>;

/**
 * The seven dimensions of one router, compiled once. Reasoning markers, the token estimate and
 * `?` always read the ask alone; code, technical, simple and multi-step read the ask, or
 * `system + " " + ask` when `score_system_prompt` is on.
 */
export class DimensionScorer {
  private readonly weights: Readonly<Record<Dimension, number>>;
  private readonly thresholds: Readonly<TokenThresholds>;
  private readonly scoreSystemPrompt: boolean;
  /** ask only: all four lists (code, reasoning, technical, simple); or reasoning alone when the system prompt is scored. */
  private readonly askMatcher: KeywordMatcher;
  /** code, technical, simple over system + ask; only when the system prompt is scored. */
  private readonly contextMatcher: KeywordMatcher | null;

  constructor(settings: ScorerSettings) {
    this.weights = settings.weights;
    this.thresholds = settings.tokenThresholds;
    this.scoreSystemPrompt = settings.scoreSystemPrompt;
    const { code, reasoning, technical, simple } = settings.keywords;
    if (settings.scoreSystemPrompt) {
      this.askMatcher = new KeywordMatcher([reasoning]);
      this.contextMatcher = new KeywordMatcher([code, technical, simple]);
    } else {
      this.askMatcher = new KeywordMatcher([code, reasoning, technical, simple]);
      this.contextMatcher = null;
    }
  }

  score(ask: string, systemPrompt: string | null): DimensionScores {
    const lowercasedAsk = ask.toLowerCase();
    let code: string[];
    let reasoning: string[];
    let technical: string[];
    let simple: string[];
    let context = ask;
    if (this.contextMatcher === null) {
      [code, reasoning, technical, simple] = this.askMatcher.match(lowercasedAsk);
    } else {
      if (systemPrompt !== null) context = `${systemPrompt} ${ask}`;
      [code, technical, simple] = this.contextMatcher.match(
        context === ask ? lowercasedAsk : context.toLowerCase(),
      );
      [reasoning] = this.askMatcher.match(lowercasedAsk);
    }
    const multiStep = findMultiStepPatterns(context);
    const weights = this.weights;
    const dimensions: DimensionDetail[] = [
      {
        name: 'tokenCount',
        raw: tokenCountRaw(estimateTokens(ask), this.thresholds),
        weight: weights.tokenCount,
        matched: [],
      },
      {
        name: 'codePresence',
        raw: codePresenceRaw(code.length),
        weight: weights.codePresence,
        matched: code,
      },
      {
        name: 'reasoningMarkers',
        raw: reasoningMarkersRaw(reasoning.length),
        weight: weights.reasoningMarkers,
        matched: reasoning,
      },
      {
        name: 'technicalTerms',
        raw: technicalTermsRaw(technical.length),
        weight: weights.technicalTerms,
        matched: technical,
      },
      {
        name: 'simpleIndicators',
        raw: simpleIndicatorsRaw(simple.length),
        weight: weights.simpleIndicators,
        matched: simple,
      },
      {
        name: 'multiStepPatterns',
        raw: multiStepPatternsRaw(multiStep.length),
        weight: weights.multiStepPatterns,
        matched: multiStep,
      },
      {
        name: 'questionComplexity',
        raw: questionComplexityRaw(countOccurrences(ask, '?')),
        weight: weights.questionComplexity,
        matched: [],
      },
    ];
    let score = 0;
    for (const dimension of dimensions) score += dimension.raw * dimension.weight;
    return { score, dimensions, reasoningMatches: reasoning.length };
  }
}
