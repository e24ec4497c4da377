import { type AttemptOutcome, GatewayError } from '@switchyard/contracts';

/**
 * An attempt that failed: the error for the client, and the attempt's usage outcome when it reached
 * the upstream (its usage is then recorded, and admission settles with it).
 */
export class AttemptFailure extends Error {
  constructor(
    readonly error: GatewayError,
    readonly outcome: AttemptOutcome | null,
  ) {
    super(error.message);
    this.name = AttemptFailure.name;
  }

  /** whatever an attempt threw, as an attempt failure (a thrown `GatewayError` has no outcome). */
  static of(thrown: unknown): AttemptFailure {
    if (thrown instanceof AttemptFailure) return thrown;
    return new AttemptFailure(
      thrown instanceof GatewayError ? thrown : GatewayError.internal(String(thrown)),
      null,
    );
  }
}
