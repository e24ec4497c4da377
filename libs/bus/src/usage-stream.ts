import { type JetStreamManager, RetentionPolicy, StorageType, DiscardPolicy } from 'nats';
import { Streams } from '@switchyard/contracts';
import { BusNamespace } from './bus-namespace';

const DUPLICATE_WINDOW_NS = 10 * 60 * 1_000_000_000;

/**
 * Creates the `USAGE` stream (and its dead-letter stream) when missing. Every publisher and the
 * ledger call this at start, so whichever comes first creates it. The duplicate window makes a
 * re-published event id a no-op on the server; the ledger's primary key covers what is older.
 */
export async function ensureUsageStreams(
  manager: JetStreamManager,
  namespace: BusNamespace = new BusNamespace(),
  replicas = 1,
): Promise<void> {
  for (const stream of [Streams.usage, Streams.usageDeadLetter]) {
    try {
      await manager.streams.info(namespace.name(stream.name));
    } catch {
      try {
        await manager.streams.add({
          name: namespace.name(stream.name),
          subjects: stream.subjects.map((subject) => namespace.subject(subject)),
          retention: RetentionPolicy.Limits,
          storage: StorageType.File,
          discard: DiscardPolicy.Old,
          max_age: 7 * 24 * 3600 * 1_000_000_000,
          duplicate_window: DUPLICATE_WINDOW_NS,
          num_replicas: replicas,
        });
      } catch (error) {
        // another service created it between our check and our add
        if (!/already in use|exists/i.test((error as Error).message)) throw error;
      }
    }
  }
}
