import { join } from 'node:path';
import { connect } from 'nats';
import { BusClient, BusNamespace } from '@switchyard/bus';
import { processEnvironment } from '@switchyard/config';
import { Subjects } from '@switchyard/contracts';
import { Fleet, freePort } from '@switchyard/fleet';

export interface RoundTripResult {
  concurrency: number;
  requests: number;
  p50Microseconds: number;
  p99Microseconds: number;
  perSecond: number;
}

const ROOT = join(__dirname, '../../..');

/**
 * `classify.v1` over NATS, from the ingress's own client (`BusClient`: Nest's envelope on the
 * connection's shared inbox) to a classifier process: the round trip a routed request pays.
 */
export async function measureNatsRoundTrip(): Promise<RoundTripResult[]> {
  const environment = processEnvironment();
  const natsUrl = environment.NATS_URL ?? 'nats://127.0.0.1:4222';
  const namespace = `benchcls${Math.random().toString(16).slice(2, 8)}.`;
  const port = await freePort();
  const fleet = new Fleet({ root: ROOT });
  await fleet.startService({
    name: 'classifier',
    app: 'classifier',
    environment: {
      GATEWAY_CONFIG: join(ROOT, 'config/demo.yaml'),
      NATS_URL: natsUrl,
      BUS_NAMESPACE: namespace,
      METRICS_PORT: String(port),
      LOG_LEVEL: 'warn',
    },
    readyUrl: `http://127.0.0.1:${port}/health/readiness`,
  });
  const connection = await connect({ servers: natsUrl });
  const client = new BusClient(connection, new BusNamespace(namespace));
  const request = {
    router: 'opencodego-router',
    body: { model: 'opencodego-router', messages: [{ role: 'user' as const, content: 'Hello' }] },
    requestBytes: 80,
    session: null,
  };
  const results: RoundTripResult[] = [];
  try {
    for (let warm = 0; warm < 500; warm += 1) await client.request(Subjects.classify, request);
    for (const [concurrency, perWorker] of [
      [1, 3000],
      [32, 300],
    ] as const) {
      const latencies: number[] = [];
      const started = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          for (let index = 0; index < perWorker; index += 1) {
            const sent = performance.now();
            await client.request(Subjects.classify, request);
            latencies.push((performance.now() - sent) * 1000);
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      latencies.sort((left, right) => left - right);
      results.push({
        concurrency,
        requests: latencies.length,
        p50Microseconds: latencies[Math.floor(latencies.length * 0.5)],
        p99Microseconds: latencies[Math.floor(latencies.length * 0.99)],
        perSecond: latencies.length / seconds,
      });
    }
  } finally {
    await connection.drain();
    await fleet.stop();
  }
  return results;
}
