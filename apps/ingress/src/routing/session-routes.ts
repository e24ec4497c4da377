import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { type ClassifyDecision, type ClassifyRequest, Tier } from '@switchyard/contracts';
import { REDIS } from '../infrastructure/tokens';

/** How long a session's last routing is remembered after its last request. */
const SESSION_TTL_SECONDS = 2 * 60 * 60;

type SessionState = NonNullable<ClassifyRequest['session']>;

/**
 * What each session (OpenCode's `x-session-id`) was last routed to, per router, for
 * `session_affinity`. Kept in Redis so every ingress replica agrees; when Redis is down the
 * request is simply routed without affinity.
 */
@Injectable()
export class SessionRoutes {
  private readonly logger = new Logger(SessionRoutes.name);

  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async lastRoute(router: string, sessionId: string): Promise<SessionState> {
    try {
      const value = await this.redis.hmget(key(router, sessionId), 'tier', 'model');
      const tier = Tier.safeParse(value[0]);
      return { id: sessionId, lastTier: tier.success ? tier.data : null, lastModel: value[1] ?? null };
    } catch (error) {
      this.logger.debug(`session affinity unavailable: ${(error as Error).message}`);
      return { id: sessionId, lastTier: null, lastModel: null };
    }
  }

  remember(sessionId: string, decision: ClassifyDecision): void {
    if (decision.tier === null) return;
    const sessionKey = key(decision.router, sessionId);
    this.redis
      .multi()
      .hset(sessionKey, 'tier', decision.tier, 'model', decision.model)
      .expire(sessionKey, SESSION_TTL_SECONDS)
      .exec()
      .catch((error: unknown) =>
        this.logger.debug(`could not remember the session's route: ${(error as Error).message}`),
      );
  }
}

function key(router: string, sessionId: string): string {
  return `session:${router}:${sessionId}`;
}
