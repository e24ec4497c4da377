import { connect, type NatsConnection } from 'nats';

export interface BusConnectionOptions {
  url: string;
  /** client name shown by the NATS server, e.g. `ingress`. */
  name: string;
  user?: string;
  password?: string;
}

/** Connects to NATS and keeps reconnecting for as long as the process lives. */
export async function connectToBus(options: BusConnectionOptions): Promise<NatsConnection> {
  return connect({
    servers: options.url.split(',').map((server) => server.trim()),
    name: options.name,
    user: options.user,
    pass: options.password,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    waitOnFirstConnect: true,
    timeout: 5000,
  });
}
