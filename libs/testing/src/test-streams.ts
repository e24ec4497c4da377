import { connect } from 'nats';

/**
 * `max_bytes` of the usage streams a test fleet creates. JetStream reserves a stream's `max_bytes`
 * against the server's store when the stream is created, so hundreds of fleets (or leftovers of
 * earlier runs) at the production default of 1.25 GiB each fill a shared server's reservation and
 * the next ledger cannot start ("insufficient storage resources available").
 */
export const TEST_USAGE_STREAM_LIMITS = {
  usageMaxBytes: 64 * 1024 * 1024,
  deadLetterMaxBytes: 8 * 1024 * 1024,
};

/** The same limits as the environment of a test fleet's services. */
export const TEST_USAGE_STREAM_ENVIRONMENT = {
  USAGE_STREAM_MAX_BYTES: String(TEST_USAGE_STREAM_LIMITS.usageMaxBytes),
  USAGE_DEAD_LETTER_STREAM_MAX_BYTES: String(TEST_USAGE_STREAM_LIMITS.deadLetterMaxBytes),
};

/** A namespaced usage stream (`<namespace>_USAGE`, `<namespace>_USAGE_DEAD`), never a deployment's own. */
const NAMESPACED_USAGE_STREAM = /^.+_USAGE(_DEAD)?$/;

/** Deletes the streams of one bus namespace (`t1234.` → `t1234_USAGE`, `t1234_USAGE_DEAD`). */
export async function deleteNamespaceStreams(natsUrl: string, namespace: string): Promise<void> {
  const prefix = namespace.replace(/\.$/, '_');
  await withStreams(natsUrl, async (manager) => {
    for (const name of [`${prefix}USAGE`, `${prefix}USAGE_DEAD`]) {
      await manager.streams.delete(name).catch(() => undefined);
    }
  });
}

/**
 * Deletes namespaced usage streams that tests left behind (a run that was killed, an older
 * version that did not clean up) once they are older than `olderThanMs`, so a long-lived shared
 * NATS server keeps room for the streams of the runs to come. Unnamespaced streams are never touched.
 */
export async function deleteStaleTestStreams(natsUrl: string, olderThanMs: number): Promise<number> {
  let deleted = 0;
  await withStreams(natsUrl, async (manager) => {
    const stale: string[] = [];
    for await (const stream of manager.streams.list()) {
      const age = Date.now() - Date.parse(stream.created);
      if (NAMESPACED_USAGE_STREAM.test(stream.config.name) && age > olderThanMs)
        stale.push(stream.config.name);
    }
    for (const name of stale) {
      if (await manager.streams.delete(name).catch(() => false)) deleted += 1;
    }
  });
  return deleted;
}

async function withStreams(
  natsUrl: string,
  work: (
    manager: Awaited<ReturnType<Awaited<ReturnType<typeof connect>>['jetstreamManager']>>,
  ) => Promise<void>,
): Promise<void> {
  const connection = await connect({ servers: natsUrl, timeout: 5000 });
  try {
    await work(await connection.jetstreamManager());
  } finally {
    await connection.close();
  }
}
