import type { AttemptOutcome, ChatCompletionRequest } from '@switchyard/contracts';
import type { ResolvedModel } from '../routing/resolve-model';
import type { ChatCallContext } from './chat-context';

/**
 * What a call may do, decided around model resolution: `authorize` before it (key scope,
 * expiry: cheap, no I/O), `admit` after it (budget and rate limits; may reserve an estimate),
 * and `settle` once the call is over with the outcome of the attempt that answered (or null).
 */
export interface CallAdmission {
  /** throws a `GatewayError` (401, 403) when the caller may not call this model at all. */
  authorize(context: ChatCallContext, modelGroup: string): void;
  /** throws a `GatewayError` (429) when a budget or rate limit refuses the call now. */
  admit(
    context: ChatCallContext,
    resolved: ResolvedModel,
    request: ChatCompletionRequest,
  ): Promise<AdmittedCall>;
}

export interface AdmittedCall {
  /** response headers for the client (e.g. `x-ratelimit-*`). */
  readonly headers: Readonly<Record<string, string>>;
  /** releases what `admit` reserved; the outcome carries the real cost and tokens. */
  settle(outcome: AttemptOutcome | null): void;
}

export const CALL_ADMISSION = Symbol('CallAdmission');

const NOTHING_TO_SETTLE: AdmittedCall = { headers: {}, settle: () => undefined };

/** Admission for the master key alone: everything is allowed and nothing is reserved. */
export class OpenAdmission implements CallAdmission {
  authorize(): void {}

  async admit(): Promise<AdmittedCall> {
    return NOTHING_TO_SETTLE;
  }
}
