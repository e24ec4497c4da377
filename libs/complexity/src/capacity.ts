import { type ChatCompletionRequest, GatewayError, type Tier } from '@switchyard/contracts';
import type { ComplexitySettings } from './complexity-settings';
import type { ModelPicker } from './model-picker';
import { countRequestTokens } from './request-tokens';
import { offloadTokenCounts } from './tokenizer';
import { tierRank } from './tier-order';

/** A model's context window (max input tokens); null when it is not known. */
export type ContextWindowOf = (modelName: string) => number | null;

/** A request may fill this share of a context window. */
export const CONTEXT_WINDOW_SHARE = 0.95;

/**
 * UTF-8 bytes the capacity step counts exactly before it estimates from a sample: a decision has
 * to come well within the ingress's 2 s wait for the classifier, and a threshold with a 5% margin
 * needs no more (64 KiB is about 16 K tokens of prose).
 */
export const CAPACITY_COUNT_BUDGET = 64 * 1024;

/** Where routing stands when the capacity check runs. */
export interface CapacityCandidate {
  tier: Tier | null;
  model: string;
  /** the pool `model` came from; a model that fits replaces one that does not within it. */
  pool: readonly string[];
  /** capacity moves only to configured tiers ranked above this (−1: any tier). */
  floorRank: number;
}

export interface CapacityRequest {
  body: Pick<ChatCompletionRequest, 'messages' | 'tools'>;
  /** UTF-8 size of the request: an upper bound on its token count. */
  requestBytes: number;
  sessionId: string | null;
}

export interface CapacityOutcome {
  /** set when the candidate does not fit and another model does. */
  moved: { tier: Tier | null; model: string; note: string } | null;
  /** null when the byte size already proved that the candidate fits, so nothing was tokenized. */
  requestTokens: number | null;
}

const FITS_UNCOUNTED: CapacityOutcome = Object.freeze({ moved: null, requestTokens: null });

/**
 * The capacity decision, separate from complexity: if the chosen model has a known context window
 * smaller than the request's tokens ÷ 0.95, use a model of the same pool that fits, else move UP to
 * the lowest configured tier with a model that fits. Unknown windows always fit; capacity never
 * moves down. Windows are read once, at construction. Tokens are counted only when the byte size
 * (an upper bound) does not already fit, by the bounded count (`tokenizer.ts`), which gives the
 * event loop back while it runs.
 */
export class CapacityCheck {
  private readonly windows = new Map<string, number | null>();

  constructor(
    private readonly settings: Pick<ComplexitySettings, 'routerName' | 'tiers' | 'defaultModel'>,
    contextWindowOf: ContextWindowOf,
    private readonly picker: ModelPicker,
  ) {
    const models = [
      ...[...settings.tiers.values()].flat(),
      ...(settings.defaultModel ? [settings.defaultModel] : []),
    ];
    for (const model of models) {
      if (!this.windows.has(model)) this.windows.set(model, contextWindowOf(model));
    }
    // a router with a known window will count: on a worker thread, never holding a decision
    if ([...this.windows.values()].some((window) => window !== null)) offloadTokenCounts();
  }

  windowOf(model: string): number | null {
    return this.windows.get(model) ?? null;
  }

  async check(candidate: CapacityCandidate, request: CapacityRequest): Promise<CapacityOutcome> {
    const window = this.windowOf(candidate.model);
    if (window === null || request.requestBytes / CONTEXT_WINDOW_SHARE <= window) return FITS_UNCOUNTED;
    const requestTokens = await countRequestTokens(request.body, { budget: CAPACITY_COUNT_BUDGET });
    const needed = requestTokens / CONTEXT_WINDOW_SHARE;
    const fits = (model: string): boolean => {
      const modelWindow = this.windowOf(model);
      return modelWindow === null || needed <= modelWindow;
    };
    if (fits(candidate.model)) return { moved: null, requestTokens };

    const tooSmall = `context window: ${requestTokens} tokens do not fit ${candidate.model} (${window})`;
    const samePool = candidate.pool.filter(fits);
    if (samePool.length > 0) {
      const model = this.picker.pick(samePool, {
        router: this.settings.routerName,
        tier: candidate.tier,
        sessionId: request.sessionId,
      });
      return {
        moved: { tier: candidate.tier, model, note: `${tooSmall}; using ${model} of the same pool` },
        requestTokens,
      };
    }
    for (const [tier, pool] of this.settings.tiers) {
      if (tierRank(tier) <= candidate.floorRank) continue;
      const fitting = pool.filter(fits);
      if (fitting.length === 0) continue;
      const model = this.picker.pick(fitting, {
        router: this.settings.routerName,
        tier,
        sessionId: request.sessionId,
      });
      return { moved: { tier, model, note: `${tooSmall}; moved to ${tier}` }, requestTokens };
    }
    throw this.tooLong(requestTokens, candidate);
  }

  private tooLong(requestTokens: number, candidate: CapacityCandidate): GatewayError {
    let largest: { model: string; window: number } | null = null;
    const considered = [
      ...candidate.pool,
      ...[...this.settings.tiers]
        .filter(([tier]) => tierRank(tier) > candidate.floorRank)
        .flatMap(([, pool]) => pool),
    ];
    for (const model of considered) {
      const window = this.windowOf(model);
      if (window !== null && (largest === null || window > largest.window)) largest = { model, window };
    }
    const where = candidate.tier === null ? 'for this request' : `at or above ${candidate.tier}`;
    const limit =
      largest === null
        ? ''
        : `; the largest context window ${where} is ${largest.window} tokens (${largest.model})`;
    return GatewayError.invalidRequest(
      `This request has ${requestTokens} tokens, more than any model of router "${this.settings.routerName}" can take${limit}, and a request may use at most ${CONTEXT_WINDOW_SHARE * 100}% of a window. Shorten the conversation.`,
      'messages',
      'context_length_exceeded',
    );
  }
}
