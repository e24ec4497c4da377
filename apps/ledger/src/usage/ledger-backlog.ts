import type { JetStreamManager } from 'nats';
import type { BusNamespace } from '@switchyard/bus';
import { Consumers, Streams } from '@switchyard/contracts';

/** What the ledger has not yet read from `USAGE` (its durable consumer's view). */
export interface LedgerBacklog {
  /** messages not yet acknowledged: not yet delivered, or delivered and not yet committed. */
  unreadMessages: number;
  /** age of the oldest of them (0 when there are none). */
  oldestUnreadAgeSeconds: number;
}

/**
 * Reads the ledger consumer's backlog. `USAGE` keeps acknowledged messages (Limits retention), so
 * the stream's size says nothing about lag: this is what an alert on the ledger falling behind,
 * or on unread usage nearing `max_bytes`, must read.
 */
export async function readLedgerBacklog(
  manager: JetStreamManager,
  namespace: BusNamespace,
): Promise<LedgerBacklog> {
  const stream = namespace.name(Streams.usage.name);
  const info = await manager.consumers.info(stream, namespace.name(Consumers.ledger));
  const unreadMessages = info.num_pending + info.num_ack_pending;
  if (unreadMessages === 0) return { unreadMessages, oldestUnreadAgeSeconds: 0 };
  // the first message past the ack floor, or the stream's first when JetStream discarded it (max_bytes)
  const oldest = await manager.streams
    .getMessage(stream, { seq: info.ack_floor.stream_seq + 1 })
    .catch(async () =>
      manager.streams.getMessage(stream, { seq: (await manager.streams.info(stream)).state.first_seq }),
    );
  return {
    unreadMessages,
    oldestUnreadAgeSeconds: Math.max(0, (Date.now() - oldest.time.getTime()) / 1000),
  };
}
