import type { Tier } from '@switchyard/contracts';

export interface PickContext {
  router: string;
  /** the tier whose pool this is; null for `default_model`. */
  tier: Tier | null;
  /** the client's session id, when the ingress found one. */
  sessionId: string | null;
}

/** Chooses one model of a pool (a tier listing several models). Injectable, so tests can fix the choice. */
export interface ModelPicker {
  /** `models` has at least one entry; the result must be one of them. */
  pick(models: readonly string[], context: PickContext): string;
}

/** FNV-1a over the UTF-16 code units: the same session maps to the same model on every replica. */
export function hashSessionId(sessionId: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < sessionId.length; index += 1) {
    hash ^= sessionId.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * The default picker: a session keeps one model of the pool (a hash of its id, stable across
 * replicas and restarts, which also keeps the provider's prompt cache warm); requests without a
 * session take turns (round-robin per pool, per picker instance: one picker per router).
 */
export class SessionHashPicker implements ModelPicker {
  private readonly turns = new Map<string, number>();

  pick(models: readonly string[], context: PickContext): string {
    if (models.length === 1) return models[0];
    if (context.sessionId !== null && context.sessionId.length > 0) {
      return models[hashSessionId(context.sessionId) % models.length];
    }
    const key = context.tier ?? '';
    const turn = this.turns.get(key) ?? 0;
    this.turns.set(key, (turn + 1) % Number.MAX_SAFE_INTEGER);
    return models[turn % models.length];
  }
}
