import type { Deployment } from '@switchyard/config';
import type { AttemptOutcome, ChatCompletionRequest } from '@switchyard/contracts';
import type { ResolvedModel } from '../routing/resolve-model';
import type { ChatCallContext } from '../http/chat-context';

/**
 * What a call may do, decided around model resolution: `authorize` before it (key scope,
 * expiry: cheap, no I/O), `admit` after it (budget and rate limits; may reserve an estimate),
 * and `settle` once the call is over with the outcome of the attempt that answered (or null).
 */
export interface CallAdmission {
  /** throws a `GatewayError` (401, 403) when the caller may not call this model at all. */
  authorize(context: ChatCallContext, modelGroup: string): void;
  /**
   * whether the caller may be answered by `modelName` (a fallback of the model it called); an
   * admission without it scopes nothing.
   */
  permits?(context: ChatCallContext, modelName: string): boolean;
  /**
   * throws a `GatewayError` (429) when a budget or rate limit refuses the call now. The estimate is
   * priced at the dearest of `candidates` (every deployment that may answer, fallbacks included;
   * default: the resolved model's).
   */
  admit(
    context: ChatCallContext,
    resolved: ResolvedModel,
    request: ChatCompletionRequest,
    candidates?: readonly Deployment[],
  ): Promise<AdmittedCall>;
}

export interface AdmittedCall {
  /** response headers for the client (e.g. `x-ratelimit-*`). */
  readonly headers: Readonly<Record<string, string>>;
  /** releases what `admit` reserved; the outcome carries the real cost and tokens. */
  settle(outcome: AttemptOutcome | null): void;
  /**
   * Before dispatching again after a dispatcher went silent on attempt `lostAttempt` (it may still
   * be billed): reserves the estimate once more for that attempt, held until the ledger counts one
   * of its events. False when the budget cannot cover a second attempt.
   */
  reserveAgain(lostAttempt: number): Promise<boolean>;
}

export const CALL_ADMISSION = Symbol('CallAdmission');

export const NOTHING_TO_SETTLE: AdmittedCall = {
  headers: {},
  settle: () => undefined,
  reserveAgain: () => Promise.resolve(true),
};

/** Admission for the master key alone: everything is allowed and nothing is reserved. */
export class OpenAdmission implements CallAdmission {
  authorize(): void {}

  permits(): boolean {
    return true;
  }

  async admit(): Promise<AdmittedCall> {
    return NOTHING_TO_SETTLE;
  }
}
