import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import type { NatsConnection, Subscription } from 'nats';
import { BusNamespace, decodeJson, unwrapNestEvent } from '@switchyard/bus';
import type { IngressEnvironment } from '@switchyard/config';
import { DeploymentCooldown, Subjects } from '@switchyard/contracts';
import { BUS_CONNECTION, INGRESS_ENVIRONMENT, REDIS } from '../infrastructure/tokens';

export const UNTIL_KEY_PREFIX = 'cooldown:until:';
/** How long start-up waits for Redis before serving without the cooldowns it holds (they load once it is up). */
const REDIS_READY_WAIT_MS = 5000;

/**
 * Which deployments are cooling down, known locally: announced by the dispatchers on
 * `deployments.cooldown.v1`, and read from Redis at start (the keys expire by themselves), so
 * choosing deployments never waits on Redis. The client takes no command before it is connected
 * (no offline queue), so start-up waits for it (bounded) before reading.
 */
@Injectable()
export class DeploymentCooldowns implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(DeploymentCooldowns.name);
  private readonly until = new Map<string, number>();
  private subscription: Subscription | null = null;

  constructor(
    @Inject(BUS_CONNECTION) private readonly connection: NatsConnection,
    @Inject(BusNamespace) private readonly namespace: BusNamespace,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(INGRESS_ENVIRONMENT) private readonly environment: IngressEnvironment,
  ) {}

  async onModuleInit(): Promise<void> {
    this.subscription = this.connection.subscribe(this.namespace.subject(Subjects.deploymentCooldown), {
      callback: (error, message) => {
        if (error) return;
        try {
          const parsed = DeploymentCooldown.safeParse(unwrapNestEvent(decodeJson(message.data)));
          if (parsed.success) this.until.set(parsed.data.deploymentId, parsed.data.until);
        } catch {
          // not JSON: ignore
        }
      },
    });
    if (await this.redisReady()) {
      await this.load();
      return;
    }
    this.logger.warn(
      `Redis is not ready after ${REDIS_READY_WAIT_MS} ms: serving without the current cooldowns until it is`,
    );
    this.redis.once('ready', () => void this.load());
  }

  onApplicationShutdown(): void {
    this.subscription?.unsubscribe();
  }

  isCoolingDown(deploymentId: string): boolean {
    const until = this.until.get(deploymentId);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.until.delete(deploymentId);
    return false;
  }

  /** true once the client is ready, false when it is not within `REDIS_READY_WAIT_MS`. */
  private async redisReady(): Promise<boolean> {
    if (this.redis.status === 'ready') return true;
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.redis.removeListener('ready', onReady);
        resolve(false);
      }, REDIS_READY_WAIT_MS);
      const onReady = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.redis.once('ready', onReady);
    });
  }

  private async load(): Promise<void> {
    try {
      await this.loadFromRedis();
    } catch (error) {
      this.logger.warn(`could not read current cooldowns from Redis: ${(error as Error).message}`);
    }
  }

  private async loadFromRedis(): Promise<void> {
    const prefix = this.environment.REDIS_KEY_PREFIX;
    const stream = this.redis.scanStream({ match: `${prefix}${UNTIL_KEY_PREFIX}*`, count: 200 });
    for await (const keys of stream as AsyncIterable<string[]>) {
      for (const key of keys) {
        const unprefixed = key.slice(prefix.length);
        const remainingMs = await this.redis.pttl(unprefixed);
        const deploymentId = unprefixed.slice(UNTIL_KEY_PREFIX.length);
        // an announcement that arrived meanwhile may say later
        const until = Date.now() + remainingMs;
        if (remainingMs > 0 && until > (this.until.get(deploymentId) ?? 0))
          this.until.set(deploymentId, until);
      }
    }
  }
}
