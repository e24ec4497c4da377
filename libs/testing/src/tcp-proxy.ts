import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy between a service and a dependency (Postgres, for the ledger), so a test can cut
 * the connection and restore it: `cut()` drops every open connection and refuses new ones until
 * `restore()`, as a network partition would. `latencyMs` delays every piece of data each way
 * (order kept), as a slow network or an overloaded server would.
 */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;
  private isCut = false;
  port = 0;
  /** added to every piece of data, in each direction. */
  latencyMs = 0;

  private constructor(private readonly target: { host: string; port: number }) {
    this.server = createServer((client) => this.accept(client));
  }

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(target);
    proxy.port = await new Promise<number>((resolve, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(0, '127.0.0.1', () => {
        const address = proxy.server.address();
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('the proxy has no port'));
      });
    });
    return proxy;
  }

  /** `url` with its host and port replaced by this proxy's. */
  proxiedUrl(url: string): string {
    const proxied = new URL(url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(this.port);
    return proxied.toString();
  }

  /** Drops every connection and refuses new ones. */
  cut(): void {
    this.isCut = true;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  restore(): void {
    this.isCut = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    if (this.isCut) {
      client.destroy();
      return;
    }
    const upstream = createConnection(this.target);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    this.forward(client, upstream);
    this.forward(upstream, client);
  }

  private forward(from: Socket, to: Socket): void {
    // one queue per direction, drained in order, so a lowered latency never reorders the bytes
    const queue: { dueAt: number; data: Buffer | null }[] = [];
    let timer: NodeJS.Timeout | null = null;
    const drain = () => {
      timer = null;
      while (queue.length > 0 && queue[0].dueAt <= Date.now()) {
        const { data } = queue.shift()!;
        if (data === null) to.end();
        else if (!to.destroyed) to.write(data);
      }
      if (queue.length > 0) timer = setTimeout(drain, queue[0].dueAt - Date.now());
    };
    const push = (data: Buffer | null) => {
      if (this.latencyMs <= 0 && queue.length === 0) {
        if (data === null) to.end();
        else to.write(data);
        return;
      }
      queue.push({ dueAt: Date.now() + this.latencyMs, data });
      if (timer === null) timer = setTimeout(drain, Math.max(0, queue[0].dueAt - Date.now()));
    };
    from.on('data', (data: Buffer) => push(data));
    from.on('end', () => push(null));
  }
}
