import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Events, type NatsConnection, type Subscription } from 'nats';
import { BusClient, BusNamespace, decodeJson, unwrapNestEvent } from '@switchyard/bus';
import type { IngressEnvironment } from '@switchyard/config';
import {
  GatewayError,
  grantsOf,
  type KeyGrants,
  KeysChanged,
  Subjects,
  type VirtualKey,
} from '@switchyard/contracts';
import { BUS_CONNECTION, INGRESS_ENVIRONMENT } from '../infrastructure/tokens';
import { KeyHasher } from './key-hasher';

interface Entry {
  key: VirtualKey;
  grants: KeyGrants;
  fetchedAt: number;
}

/** A key as authenticated: its record, and its team's and user's limits. */
export interface AuthenticatedKey {
  key: VirtualKey;
  grants: KeyGrants;
}

/** Unknown hashes are remembered briefly, so a client retrying a wrong key does not hammer the ledger. */
const UNKNOWN_TTL_MS = 2000;
/** While the ledger cannot answer, a record this old is still used (revocations arrive as events). */
const STALE_LIMIT_MS = 10 * 60_000;
/** Records of keys that exist; only a lookup that found a key adds one, so made-up keys never evict them. */
const MAX_ENTRIES = 20_000;
/** Hashes the ledger does not know, kept apart (the oldest go first when it is full). */
const MAX_UNKNOWN = 10_000;
const LOOKUP_TIMEOUT_MS = 2000;

/**
 * Authenticates virtual keys: hashes the key, looks the hash up on the ledger (`keys.lookup.v1`)
 * and keeps the record in-process. Every `keys.changed.v1` drops the record at once (on every
 * replica: it is a broadcast), a short TTL is the safety net, and a reconnect to NATS (when events
 * may have been missed) drops them all. Concurrent lookups of one hash share one request.
 */
@Injectable()
export class VirtualKeys implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(VirtualKeys.name);
  private readonly entries = new Map<string, Entry>();
  /** hash → when the ledger said it does not exist. */
  private readonly unknown = new Map<string, number>();
  private readonly lookups = new Map<string, Promise<AuthenticatedKey | null>>();
  private readonly ttlMs: number;
  /** bumped by every change event: a lookup that raced one is not cached. */
  private generation = 0;
  private subscription: Subscription | null = null;

  constructor(
    @Inject(KeyHasher) private readonly hasher: KeyHasher,
    @Inject(BusClient) private readonly bus: BusClient,
    @Inject(BUS_CONNECTION) private readonly connection: NatsConnection,
    @Inject(BusNamespace) private readonly namespace: BusNamespace,
    @Inject(INGRESS_ENVIRONMENT) environment: IngressEnvironment,
  ) {
    this.ttlMs = environment.KEY_CACHE_TTL_SECONDS * 1000;
  }

  onApplicationBootstrap(): void {
    this.subscription = this.connection.subscribe(this.namespace.subject(Subjects.keysChanged), {
      callback: (error, message) => {
        if (error) return;
        let payload: unknown;
        try {
          payload = unwrapNestEvent(decodeJson(message.data));
        } catch {
          return;
        }
        const parsed = KeysChanged.safeParse(payload);
        if (parsed.success) this.forget(parsed.data.keyHash);
      },
    });
    void this.watchReconnects();
  }

  onApplicationShutdown(): void {
    this.subscription?.unsubscribe();
  }

  /** The key's record; a 401 when the key is unknown, blocked, expired, or its team is blocked. */
  async authenticate(key: string): Promise<VirtualKey> {
    return (await this.authenticateWithGrants(key)).key;
  }

  /** The key's record with its team's and user's limits (a team change drops it like a key change). */
  async authenticateWithGrants(key: string): Promise<AuthenticatedKey> {
    if (!key.startsWith('sk-')) throw GatewayError.unauthorized('Invalid API key.');
    const found = await this.find(this.hasher.hash(key));
    if (found === null) throw GatewayError.unauthorized('Invalid API key.');
    const record = found.key;
    if (record.blocked) throw GatewayError.unauthorized('This API key is blocked.');
    if (found.grants.team?.blocked) {
      throw GatewayError.unauthorized(`This API key's ${found.grants.team.label} is blocked.`);
    }
    if (record.expires !== null && Date.parse(record.expires) <= Date.now()) {
      throw GatewayError.unauthorized(`This API key expired at ${record.expires}.`);
    }
    return found;
  }

  forget(keyHash: string): void {
    this.generation += 1;
    this.entries.delete(keyHash);
    this.unknown.delete(keyHash);
  }

  /**
   * true when this replica saw the key exist in the last minutes (its record may be due for a
   * refresh): such a key is never throttled with the wrong ones sent from its address.
   */
  isKnown(key: string): boolean {
    const entry = this.entries.get(this.hasher.hash(key));
    return entry !== undefined && Date.now() - entry.fetchedAt < STALE_LIMIT_MS;
  }

  private async find(keyHash: string): Promise<AuthenticatedKey | null> {
    const now = Date.now();
    const entry = this.entries.get(keyHash);
    if (entry && now - entry.fetchedAt < this.ttlMs) return entry;
    const unknownSince = this.unknown.get(keyHash);
    if (unknownSince !== undefined && now - unknownSince < UNKNOWN_TTL_MS) return null;
    let lookup = this.lookups.get(keyHash);
    if (!lookup) {
      lookup = this.lookup(keyHash).finally(() => this.lookups.delete(keyHash));
      this.lookups.set(keyHash, lookup);
    }
    try {
      return await lookup;
    } catch (error) {
      if (entry && now - entry.fetchedAt < STALE_LIMIT_MS) return entry;
      throw error instanceof GatewayError
        ? GatewayError.unavailable(`The API key cannot be checked right now (${error.message}).`, {
            retryAfterMs: 1000,
          })
        : error;
    }
  }

  private async lookup(keyHash: string): Promise<AuthenticatedKey | null> {
    const generation = this.generation;
    const reply = await this.bus.request(Subjects.keysLookup, { keyHash }, { timeoutMs: LOOKUP_TIMEOUT_MS });
    const found = reply.key === null ? null : { key: reply.key, grants: grantsOf(reply) };
    if (generation === this.generation) {
      this.entries.delete(keyHash);
      this.unknown.delete(keyHash);
      if (found === null) remember(this.unknown, keyHash, Date.now(), MAX_UNKNOWN);
      else remember(this.entries, keyHash, { ...found, fetchedAt: Date.now() }, MAX_ENTRIES);
    }
    return found;
  }

  private async watchReconnects(): Promise<void> {
    for await (const status of this.connection.status()) {
      if (status.type === Events.Reconnect) {
        // change events may have been missed while disconnected
        this.generation += 1;
        this.entries.clear();
        this.unknown.clear();
        this.logger.log('reconnected to NATS: dropped every cached key record');
      }
    }
  }
}

/** Adds a value to an insertion-ordered map, dropping the oldest entry past `limit`. */
function remember<Value>(map: Map<string, Value>, key: string, value: Value, limit: number): void {
  map.set(key, value);
  if (map.size > limit) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
}
