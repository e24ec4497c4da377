import { DiscardPolicy, type JetStreamManager, RetentionPolicy, StorageType } from 'nats';
import { Streams } from '@switchyard/contracts';
import { BusNamespace } from './bus-namespace';

const DUPLICATE_WINDOW_NS = 10 * 60 * 1_000_000_000;
const MAX_AGE_NS = 7 * 24 * 3600 * 1_000_000_000;

/** How much each usage stream may hold on disk (`max_bytes`); the oldest messages go first. */
export interface UsageStreamLimits {
  usageMaxBytes: number;
  deadLetterMaxBytes: number;
}

/** The defaults of `USAGE_STREAM_MAX_BYTES` and `USAGE_DEAD_LETTER_STREAM_MAX_BYTES`. */
export const DEFAULT_USAGE_STREAM_LIMITS: UsageStreamLimits = {
  usageMaxBytes: 1024 * 1024 * 1024,
  deadLetterMaxBytes: 256 * 1024 * 1024,
};

export interface EnsureUsageStreamsOptions {
  replicas?: number;
  /**
   * The limits to hold the streams to. The ledger, which owns the streams, passes its configured
   * limits, and an existing stream with other limits is updated to them; a publisher passes none,
   * creates a missing stream with the defaults and changes nothing that exists.
   */
  limits?: UsageStreamLimits;
  /** a publisher's configured limits: used only to create a missing stream. */
  createWithLimits?: UsageStreamLimits;
}

/**
 * Creates the `USAGE` stream (and its dead-letter stream) when missing. Every publisher and the
 * ledger call this at start, so whichever comes first creates it. The duplicate window makes a
 * re-published event id a no-op on the server; the ledger's primary key covers what is older.
 * Both streams are bounded by age (7 days) and by bytes (`max_bytes`, the oldest messages
 * discarded first: on `USAGE` those are long acknowledged unless the ledger has been down for
 * that long). `USAGE` keeps acknowledged messages, so a busy one sits at `max_bytes` for good: the
 * ledger's lag is its consumer's backlog (`switchyard_ledger_consumer_pending_messages`, the
 * `UsageLedgerBehind` and `UsageUnreadNearStreamLimit` alerts), not the stream's size.
 */
export async function ensureUsageStreams(
  manager: JetStreamManager,
  namespace: BusNamespace = new BusNamespace(),
  options: EnsureUsageStreamsOptions = {},
): Promise<void> {
  const limits = options.limits ?? options.createWithLimits ?? DEFAULT_USAGE_STREAM_LIMITS;
  for (const [stream, maxBytes] of [
    [Streams.usage, limits.usageMaxBytes],
    [Streams.usageDeadLetter, limits.deadLetterMaxBytes],
  ] as const) {
    const name = namespace.name(stream.name);
    const existing = await manager.streams.info(name).catch(() => null);
    if (existing) {
      if (options.limits && existing.config.max_bytes !== maxBytes) {
        await manager.streams.update(name, { ...existing.config, max_bytes: maxBytes });
      }
      continue;
    }
    try {
      await manager.streams.add({
        name,
        subjects: stream.subjects.map((subject) => namespace.subject(subject)),
        retention: RetentionPolicy.Limits,
        storage: StorageType.File,
        discard: DiscardPolicy.Old,
        max_age: MAX_AGE_NS,
        max_bytes: maxBytes,
        duplicate_window: DUPLICATE_WINDOW_NS,
        num_replicas: options.replicas ?? 1,
      });
    } catch (error) {
      // another service created it between our check and our add (with the defaults: hold it to ours)
      if (!/already in use|exists/i.test((error as Error).message)) throw error;
      const created = await manager.streams.info(name);
      if (options.limits && created.config.max_bytes !== maxBytes) {
        await manager.streams.update(name, { ...created.config, max_bytes: maxBytes });
      }
    }
  }
}
