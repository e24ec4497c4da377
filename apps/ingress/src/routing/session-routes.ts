import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { type ClassifyDecision, type ClassifyRequest, Tier } from '@switchyard/contracts';
import type { Caller } from '../http/request-context';
import { REDIS } from '../infrastructure/tokens';

/** How long a session's last routing is remembered after its last request. */
const SESSION_TTL_SECONDS = 2 * 60 * 60;

type SessionState = NonNullable<ClassifyRequest['session']>;

/**
 * What each session (OpenCode's `x-session-id`) was last routed to, per router, for
 * `session_affinity`. Kept in Redis so every ingress replica agrees; when Redis is down the
 * request is simply routed without affinity. Sessions belong to the key that made them (its key
 * id, or the master key): another key naming the same session id neither reads nor steers it.
 */
@Injectable()
export class SessionRoutes {
  private readonly logger = new Logger(SessionRoutes.name);

  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async lastRoute(owner: SessionOwner, router: string, sessionId: string): Promise<SessionState> {
    try {
      const value = await this.redis.hmget(key(owner, router, sessionId), 'tier', 'model');
      const tier = Tier.safeParse(value[0]);
      return { id: sessionId, lastTier: tier.success ? tier.data : null, lastModel: value[1] ?? null };
    } catch (error) {
      this.logger.debug(`session affinity unavailable: ${(error as Error).message}`);
      return { id: sessionId, lastTier: null, lastModel: null };
    }
  }

  remember(owner: SessionOwner, sessionId: string, decision: ClassifyDecision): void {
    if (decision.tier === null) return;
    const sessionKey = key(owner, decision.router, sessionId);
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

/** Whose sessions: a virtual key's id, or `master`. */
export type SessionOwner = string;

/** The owner of a caller's sessions. */
export function sessionOwnerOf(caller: Caller): SessionOwner {
  return caller.kind === 'virtual' ? `key:${caller.keyId}` : 'master';
}

function key(owner: SessionOwner, router: string, sessionId: string): string {
  return `session:${owner}:${router}:${sessionId}`;
}
