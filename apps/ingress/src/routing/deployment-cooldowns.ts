import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import type { NatsConnection, Subscription } from 'nats';
import { BusNamespace, decodeJson, unwrapNestEvent } from '@switchyard/bus';
import type { IngressEnvironment } from '@switchyard/config';
import { DeploymentCooldown, Subjects } from '@switchyard/contracts';
import { BUS_CONNECTION, INGRESS_ENVIRONMENT, REDIS } from '../infrastructure/tokens';

const UNTIL_KEY_PREFIX = 'cooldown:until:';

/**
 * Which deployments are cooling down, known locally: announced by the dispatchers on
 * `deployments.cooldown.v1`, and read from Redis at start (the keys expire by themselves), so
 * choosing deployments never waits on Redis.
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

  onModuleInit(): void {
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
    this.loadFromRedis().catch((error: unknown) =>
      this.logger.warn(`could not read current cooldowns from Redis: ${(error as Error).message}`),
    );
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

  private async loadFromRedis(): Promise<void> {
    const prefix = this.environment.REDIS_KEY_PREFIX;
    const stream = this.redis.scanStream({ match: `${prefix}${UNTIL_KEY_PREFIX}*`, count: 200 });
    for await (const keys of stream as AsyncIterable<string[]>) {
      for (const key of keys) {
        const unprefixed = key.slice(prefix.length);
        const remainingMs = await this.redis.pttl(unprefixed);
        if (remainingMs > 0)
          this.until.set(unprefixed.slice(UNTIL_KEY_PREFIX.length), Date.now() + remainingMs);
      }
    }
  }
}
