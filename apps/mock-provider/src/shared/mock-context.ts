import type { FaultRuleBook, RunDefaults } from './faults';
import type { RequestLog } from './request-log';

/** The state one mock server shares between its routes. */
export interface MockContext {
  readonly log: RequestLog;
  readonly faults: FaultRuleBook;
  readonly defaults: RunDefaults;
  /** dimensions of embedding vectors when the request does not ask for a number. */
  readonly embeddingDimensions: number;
  /** aborted when the server closes. */
  readonly shutdown: AbortSignal;
}
