import type { NatsConnection, Status } from 'nats';
import { Events } from 'nats';
import { type BusClient, BusNamespace, encodeJson } from '@switchyard/bus';
import type { IngressEnvironment } from '@switchyard/config';
import { GatewayError, Subjects, type VirtualKey } from '@switchyard/contracts';
import { KeyHasher } from './key-hasher';
import { VirtualKeys } from './virtual-keys';

const hasher = new KeyHasher('salt');
const KEY = 'sk-the-key';

function record(overrides: Partial<VirtualKey> = {}): VirtualKey {
  return {
    key_id: 'key-1',
    token: hasher.hash(KEY),
    key_name: 'sk-...-key',
    key_alias: null,
    user_id: null,
    models: [],
    max_budget: null,
    budget_duration: null,
    rpm_limit: null,
    tpm_limit: null,
    max_parallel_requests: null,
    expires: null,
    blocked: false,
    metadata: {},
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

/** A NATS connection with one subscription and a status stream the test drives. */
class FakeConnection {
  callback: ((error: Error | null, message: { data: Uint8Array }) => void) | null = null;
  subject = '';
  private readonly statuses: Status[] = [];
  private wake: (() => void) | null = null;

  subscribe(subject: string, options: { callback: FakeConnection['callback'] }) {
    this.subject = subject;
    this.callback = options.callback;
    return { unsubscribe: () => undefined };
  }

  publish(payload: unknown): void {
    this.callback?.(null, { data: encodeJson(payload) });
  }

  emitStatus(status: Status): void {
    this.statuses.push(status);
    this.wake?.();
  }

  status(): AsyncIterable<Status> {
    const statuses = this.statuses;
    return {
      [Symbol.asyncIterator]: () => ({
        next: async () => {
          while (statuses.length === 0) await new Promise<void>((resolve) => (this.wake = resolve));
          return { value: statuses.shift()!, done: false };
        },
      }),
    };
  }
}

describe(VirtualKeys.name, () => {
  let connection: FakeConnection;
  let lookup: jest.Mock;
  let sut: VirtualKeys;
  let now: number;

  beforeEach(() => {
    now = Date.parse('2026-06-01T00:00:00Z');
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    connection = new FakeConnection();
    lookup = jest.fn(async () => ({ key: record() }));
    sut = new VirtualKeys(
      hasher,
      { request: lookup } as unknown as BusClient,
      connection as unknown as NatsConnection,
      new BusNamespace('ns.'),
      { KEY_CACHE_TTL_SECONDS: 30 } as IngressEnvironment,
    );
    sut.onApplicationBootstrap();
  });

  afterEach(() => jest.restoreAllMocks());

  it('looks a key up by its hash once, for concurrent and later calls within the TTL', async () => {
    const [first, second] = await Promise.all([sut.authenticate(KEY), sut.authenticate(KEY)]);
    expect(first).toEqual(record());
    expect(second).toEqual(record());
    now += 29_000;
    await sut.authenticate(KEY);
    expect(lookup).toHaveBeenCalledTimes(1);
    expect(lookup).toHaveBeenCalledWith(
      Subjects.keysLookup,
      { keyHash: hasher.hash(KEY) },
      expect.anything(),
    );
    now += 2_000;
    await sut.authenticate(KEY);
    expect(lookup).toHaveBeenCalledTimes(2);
  });

  it('refuses unknown keys with 401, remembering them briefly, and never looks up a key without sk-', async () => {
    lookup.mockResolvedValue({ key: null });
    await expect(sut.authenticate(KEY)).rejects.toMatchObject({ status: 401 });
    await expect(sut.authenticate(KEY)).rejects.toMatchObject({ status: 401 });
    expect(lookup).toHaveBeenCalledTimes(1);
    now += 2_500;
    await expect(sut.authenticate(KEY)).rejects.toMatchObject({ status: 401 });
    expect(lookup).toHaveBeenCalledTimes(2);
    await expect(sut.authenticate('not-a-key')).rejects.toMatchObject({ status: 401 });
    expect(lookup).toHaveBeenCalledTimes(2);
  });

  it('keeps real keys cached however many made-up keys are tried, and forgets made-up ones first', async () => {
    await sut.authenticate(KEY);
    lookup.mockImplementation(async ({ keyHash }: { keyHash: string }) => ({
      key: keyHash === hasher.hash(KEY) ? record() : null,
    }));
    for (let attempt = 0; attempt < 25_000; attempt += 1) {
      await expect(sut.authenticate(`sk-made-up-${attempt}`)).rejects.toMatchObject({ status: 401 });
    }
    const lookupsOfMadeUpKeys = lookup.mock.calls.length;

    await expect(sut.authenticate(KEY)).resolves.toEqual(record());
    await expect(sut.authenticate('sk-made-up-24999')).rejects.toMatchObject({ status: 401 });
    await expect(sut.authenticate('sk-made-up-0')).rejects.toMatchObject({ status: 401 });

    // the real key and the latest unknown one came from the cache; the oldest unknown one was dropped
    expect(lookup.mock.calls.length).toBe(lookupsOfMadeUpKeys + 1);
    expect(lookup.mock.calls.at(-1)?.[1]).toEqual({ keyHash: hasher.hash('sk-made-up-0') });
  });

  it('knows a key it saw exist within the stale limit, even when its record is due for a refresh', async () => {
    expect(sut.isKnown(KEY)).toBe(false);
    await sut.authenticate(KEY);
    now += 60_000;
    expect(sut.isKnown(KEY)).toBe(true);
    expect(sut.isKnown('sk-another')).toBe(false);
    now += 10 * 60_000;
    expect(sut.isKnown(KEY)).toBe(false);
  });

  it('refuses blocked and expired keys with 401', async () => {
    lookup.mockResolvedValueOnce({ key: record({ blocked: true }) });
    await expect(sut.authenticate(KEY)).rejects.toThrow('blocked');
    sut.forget(hasher.hash(KEY));
    lookup.mockResolvedValueOnce({ key: record({ expires: new Date(now - 1).toISOString() }) });
    await expect(sut.authenticate(KEY)).rejects.toThrow('expired');
  });

  it('drops the record when keys.changed.v1 names its hash (Nest event envelope)', async () => {
    await sut.authenticate(KEY);
    expect(connection.subject).toBe('ns.keys.changed.v1');
    connection.publish({
      pattern: Subjects.keysChanged,
      data: { keyHash: hasher.hash(KEY), reason: 'deleted' },
    });
    lookup.mockResolvedValue({ key: null });
    await expect(sut.authenticate(KEY)).rejects.toMatchObject({ status: 401 });
    expect(lookup).toHaveBeenCalledTimes(2);
  });

  it('does not cache a lookup that raced a change event', async () => {
    let answer: (value: { key: VirtualKey }) => void = () => undefined;
    lookup.mockReturnValueOnce(new Promise((resolve) => (answer = resolve)));
    const pending = sut.authenticate(KEY);
    connection.publish({
      pattern: Subjects.keysChanged,
      data: { keyHash: hasher.hash(KEY), reason: 'blocked' },
    });
    answer({ key: record() });
    await pending;
    lookup.mockResolvedValue({ key: record({ blocked: true }) });
    await expect(sut.authenticate(KEY)).rejects.toThrow('blocked');
  });

  it('keeps using a known record while the ledger cannot answer, and says 503 for one it never saw', async () => {
    await sut.authenticate(KEY);
    now += 60_000;
    lookup.mockRejectedValue(GatewayError.unavailable('no service answers keys.lookup.v1'));
    await expect(sut.authenticate(KEY)).resolves.toEqual(record());
    await expect(sut.authenticate('sk-another')).rejects.toMatchObject({ status: 503 });
  });

  it('forgets every record when the NATS connection comes back (events may have been missed)', async () => {
    await sut.authenticate(KEY);
    connection.emitStatus({ type: Events.Reconnect, data: 'nats' });
    await new Promise((resolve) => setImmediate(resolve));
    await sut.authenticate(KEY);
    expect(lookup).toHaveBeenCalledTimes(2);
  });
});
