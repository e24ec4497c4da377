import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import type { JetStreamManager, NatsConnection } from 'nats';
import { BusNamespace } from '@switchyard/bus';
import { Consumers, Streams } from '@switchyard/contracts';
import { BUS_CONNECTION, REDIS } from '../infrastructure/tokens';

/** Each dependency gets this long to answer; readiness must stay cheap. */
const CHECK_TIMEOUT_MS = 1_500;
/** a ledger that acked an event this recently is consuming, even between two pulls. */
const RECENT_ACK_MS = 10_000;

export type DependencyName = 'nats' | 'redis' | 'ledger';

export interface DependencyCheck {
  status: 'ok' | 'failed';
  /** why it failed; absent when ok. */
  error?: string;
}

export interface ReadinessResult {
  status: 'ok' | 'unavailable';
  /** the dependencies that failed, by name. */
  failed: DependencyName[];
  checks: Record<DependencyName, DependencyCheck>;
}

/**
 * `/health/readiness`: can this ingress serve? NATS answers a round trip, Redis answers PING, and a
 * ledger is consuming usage events (its durable JetStream consumer exists and has a pull waiting or
 * events in hand). Providers are not dependencies: a provider that is down makes its deployments
 * unhealthy in `/health`, never the gateway unready.
 */
@Injectable()
export class CheckReadiness {
  private jetstream: JetStreamManager | null = null;

  constructor(
    @Inject(BUS_CONNECTION) private readonly connection: NatsConnection,
    @Inject(BusNamespace) private readonly namespace: BusNamespace,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async execute(): Promise<ReadinessResult> {
    const [nats, redis, ledger] = await Promise.all([
      check(() => this.checkNats()),
      check(() => this.checkRedis()),
      check(() => this.checkLedger()),
    ]);
    const checks = { nats, redis, ledger };
    const failed = (Object.keys(checks) as DependencyName[]).filter((name) => checks[name].status !== 'ok');
    return { status: failed.length === 0 ? 'ok' : 'unavailable', failed, checks };
  }

  private async checkNats(): Promise<void> {
    if (this.connection.isClosed()) throw new Error('the NATS connection is closed');
    await this.connection.flush();
  }

  private async checkRedis(): Promise<void> {
    await this.redis.ping();
  }

  private async checkLedger(): Promise<void> {
    this.jetstream ??= await this.connection.jetstreamManager({ checkAPI: false, timeout: CHECK_TIMEOUT_MS });
    const stream = this.namespace.name(Streams.usage.name);
    const durable = this.namespace.name(Consumers.ledger);
    let info;
    try {
      info = await this.jetstream.consumers.info(stream, durable);
    } catch (error) {
      throw new Error(
        `no ledger consumer "${durable}" on stream ${stream} (${(error as Error).message}); has the ledger started?`,
        { cause: error },
      );
    }
    if (info.num_waiting > 0 || info.num_ack_pending > 0) return;
    // a busy ledger has, for a moment between two pulls, none waiting and none pending: an ack
    // within the last seconds is a ledger at work (the protocol fuzz saw 40 false 503s without)
    const lastAckAt = Date.parse(String(info.ack_floor?.last_active ?? ''));
    if (Number.isFinite(lastAckAt) && Date.now() - lastAckAt < RECENT_ACK_MS) return;
    throw new Error(`no ledger is pulling from consumer "${durable}"; is the ledger running?`);
  }
}

async function check(run: () => Promise<void>): Promise<DependencyCheck> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([run(), timeout]);
    return { status: 'ok' };
  } catch (error) {
    return { status: 'failed', error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}
