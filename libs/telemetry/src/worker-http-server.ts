import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

export interface ReadinessCheck {
  name: string;
  check(): Promise<boolean> | boolean;
}

/**
 * The HTTP side of a worker (classifier, dispatcher, ledger) on `METRICS_PORT`: `/metrics`,
 * `/health/liveness` (the process answers) and `/health/readiness` (its dependencies answer;
 * 503 naming the ones that do not). Port 0 disables it.
 */
export async function startWorkerHttpServer(
  port: number,
  registry: Registry,
  readiness: readonly ReadinessCheck[],
  host = '0.0.0.0',
): Promise<Server | null> {
  if (port === 0) return null;
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/metrics') {
      registry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
        (error: Error) => response.writeHead(500).end(error.message),
      );
      return;
    }
    if (path === '/health/liveness') {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    if (path === '/health/readiness') {
      void Promise.all(
        readiness.map(async (item) => ({
          name: item.name,
          ok: await Promise.resolve(item.check()).catch(() => false),
        })),
      ).then((results) => {
        const failed = results.filter((result) => !result.ok).map((result) => result.name);
        response
          .writeHead(failed.length === 0 ? 200 : 503, { 'content-type': 'application/json' })
          .end(JSON.stringify({ status: failed.length === 0 ? 'ok' : 'unavailable', failed }));
      });
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
