import type Redis from 'ioredis';
import { Registry } from 'prom-client';
import { type IngressEnvironment, parseGatewayConfig } from '@switchyard/config';
import type {
  AttemptOutcome,
  ChatCompletionRequest,
  KeyGrants,
  KeyTeam,
  KeyUser,
  TagLimitsRecord,
  VirtualKey,
} from '@switchyard/contracts';
import { MAX_TAG_SCOPES } from '@switchyard/contracts';
import { IngressMetrics } from '@switchyard/telemetry';
import type { ChatCallContext } from '../http/chat-context';
import { FakeLimitsRedis, tagLimitsRecord } from './__fixtures__/fake-limits-redis';
import type { RecordRefusal, Refusal } from './record-refusal';
import type { ResolvedModel } from '../routing/resolve-model';
import { KeyAdmission } from './key-admission';

const configuration = parseGatewayConfig(
  `
model_list:
  - model_name: gpt-5.4-mini
    litellm_params: { model: openai/gpt-5.4-mini, api_key: test, input_cost_per_token: 0.000001, output_cost_per_token: 0.000002 }
  - model_name: gpt-5.5
    litellm_params: { model: openai/gpt-5.5, api_key: test, input_cost_per_token: 0.000005, output_cost_per_token: 0.00003 }
`,
  { source: 'test.yaml', environment: {} },
);

function virtualKey(overrides: Partial<VirtualKey> = {}): VirtualKey {
  return {
    key_id: 'key-1',
    token: 'a'.repeat(64),
    key_name: 'sk-...abcd',
    key_alias: 'team-a',
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
    created_at: new Date(Date.now() - 86_400_000).toISOString(),
    updated_at: new Date().toISOString(),
    ...overrides,
  };
}

const team: KeyTeam = {
  scope_id: 'team:backend',
  label: 'team "backend"',
  team_id: 'backend',
  team_alias: 'backend',
  models: ['gpt-5.4-mini'],
  blocked: false,
  tags: [],
  max_budget: 10,
  budget_duration: null,
  rpm_limit: null,
  tpm_limit: null,
  max_parallel_requests: 4,
  created_at: new Date(Date.now() - 86_400_000).toISOString(),
};

function contextOf(
  key: VirtualKey | null,
  grants?: KeyGrants,
  metadata: Record<string, unknown> | null = null,
): ChatCallContext {
  return {
    callId: 'call-1',
    receivedAt: performance.now(),
    bodyBytes: 100,
    caller:
      key === null
        ? { kind: 'master' }
        : { kind: 'virtual', keyId: key.key_id, keyHash: key.token, models: key.models, key, grants },
    endpoint: 'chat',
    sessionId: null,
    user: null,
    metadata,
    cacheControl: null,
    observation: {
      endpoint: 'chat',
      stream: false,
      modelGroup: '',
      model: '',
      provider: '',
      tier: '',
      upstreamMs: null,
    },
  };
}

const resolved: ResolvedModel = {
  modelGroup: 'gpt-5.4-mini',
  modelName: 'gpt-5.4-mini',
  deployments: [...configuration.deploymentsFor('gpt-5.4-mini')],
  decision: null,
};
const request: ChatCompletionRequest = {
  model: 'gpt-5.4-mini',
  messages: [{ role: 'user', content: 'hello' }],
  max_tokens: 10,
};

describe(KeyAdmission.name, () => {
  let admit: jest.Mock;
  let settle: jest.Mock;
  let refusals: Refusal[];
  let registry: Registry;
  let metrics: IngressMetrics;
  let sut: KeyAdmission;
  /** the tag limits Redis holds, and the keys each read asked for. */
  let limitsRedis: FakeLimitsRedis;

  beforeEach(() => {
    admit = jest.fn();
    settle = jest.fn(async () => 1);
    refusals = [];
    registry = new Registry();
    metrics = new IngressMetrics(registry);
    limitsRedis = new FakeLimitsRedis();
    const redis = {
      defineCommand: () => undefined,
      limitsAdmitScopes: admit,
      limitsSettleScopes: settle,
      pipeline: limitsRedis.pipeline,
    };
    sut = new KeyAdmission(
      redis as unknown as Redis,
      configuration,
      { BUDGET_OUTPUT_TOKEN_ALLOWANCE: 4096 } as IngressEnvironment,
      { execute: (refusal: Refusal) => refusals.push(refusal) } as unknown as RecordRefusal,
      metrics,
      registry,
    );
  });

  async function counted(name: string, labels: Record<string, string> = {}): Promise<number> {
    const metric = (await registry.getMetricsAsJSON()).find((item) => item.name === name);
    const value = (metric?.values as { labels: Record<string, string>; value: number }[] | undefined)?.find(
      (item) => Object.entries(labels).every(([label, wanted]) => item.labels[label] === wanted),
    );
    return value?.value ?? 0;
  }

  it('never limits the master key, nor a key without limits (no Redis call)', async () => {
    expect(await sut.admit(contextOf(null), resolved, request)).toMatchObject({ headers: {} });
    expect(await sut.admit(contextOf(virtualKey()), resolved, request)).toMatchObject({ headers: {} });
    expect(admit).not.toHaveBeenCalled();
  });

  it('refuses a model outside the scope with 403 naming the allowed ones, and records the refusal', async () => {
    const context = contextOf(virtualKey({ models: ['gpt-5.4-mini'] }));
    expect(() => sut.authorize(context, 'gpt-5.5')).toThrow(
      expect.objectContaining({ status: 403, message: expect.stringContaining('gpt-5.4-mini') }),
    );
    expect(() => sut.authorize(context, 'gpt-5.4-mini')).not.toThrow();
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({ modelGroup: 'gpt-5.5', error: { status: 403 } });
    expect(await counted('switchyard_refusals_total', { reason: 'model_not_allowed' })).toBe(1);
  });

  it('refuses an expired key with 401', () => {
    const context = contextOf(virtualKey({ expires: new Date(Date.now() - 1000).toISOString() }));
    expect(() => sut.authorize(context, 'gpt-5.4-mini')).toThrow(expect.objectContaining({ status: 401 }));
  });

  it('sends the key limits and a priced estimate to Redis, and answers with rate-limit headers', async () => {
    admit.mockResolvedValue(['ok', 3, 0, 1, '0.5', '0.1', 42_000]);
    const key = virtualKey({ rpm_limit: 10, max_budget: 2 });
    const admitted = await sut.admit(contextOf(key), resolved, request);
    const argumentsSent = admit.mock.calls[0] as (string | number)[];
    // the number of keys, 8 keys (one scope: the key), then: now, call id, estimate, tokens, hold,
    // and the scope's rpm, tpm, parallel, budget
    expect(argumentsSent[0]).toBe(8);
    expect(argumentsSent[10]).toBe('call-1');
    expect(argumentsSent.slice(14, 18)).toEqual([10, -1, -1, '2']);
    const estimate = Number(argumentsSent[11]);
    expect(estimate).toBeCloseTo((Math.ceil(5 / 4) + 4) * 0.000001 + 10 * 0.000002, 15);
    expect(admitted.headers).toMatchObject({
      'x-ratelimit-limit-requests': '10',
      'x-ratelimit-remaining-requests': '7',
      'x-ratelimit-reset-requests': '42s',
      'x-litellm-key-max-budget': '2',
      'x-litellm-key-spend': '0.5',
    });
  });

  it('refuses a spent budget with 429 budget_exceeded naming the budget, the spend and the overshoot', async () => {
    admit.mockResolvedValue(['budget', 1, '1.9', '0.05']);
    const key = virtualKey({ max_budget: 2, budget_duration: '30d' });
    const failure = await sut.admit(contextOf(key), resolved, request).catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 429, type: 'budget_exceeded', code: 'budget_exceeded' });
    const message = (failure as Error).message;
    expect(message).toContain('Budget exceeded for key "team-a": its max_budget is $2 per 30d');
    expect(message).toContain('it has spent $1.9 in this budget window, $0.05 is reserved');
    expect(message).toMatch(/exceed the budget by \$/);
    expect((failure as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0);
    expect(refusals[0]).toMatchObject({ model: 'gpt-5.4-mini', provider: 'openai', error: { status: 429 } });
  });

  it('refuses the rpm limit with retry-after and x-ratelimit headers', async () => {
    admit.mockResolvedValue(['rpm', 1, 5, 12_000]);
    const failure = await sut
      .admit(contextOf(virtualKey({ rpm_limit: 5 })), resolved, request)
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({
      status: 429,
      type: 'rate_limit_error',
      retryAfterMs: 12_000,
      headers: { 'x-ratelimit-limit-requests': '5', 'x-ratelimit-remaining-requests': '0' },
    });
  });

  it('fails open for rate limits and closed for budgets when Redis cannot be reached', async () => {
    admit.mockRejectedValue(new Error('Connection is closed.'));
    await expect(
      sut.admit(contextOf(virtualKey({ rpm_limit: 5 })), resolved, request),
    ).resolves.toMatchObject({
      headers: {},
    });
    await expect(
      sut.admit(contextOf(virtualKey({ max_budget: 5 })), resolved, request),
    ).rejects.toMatchObject({
      status: 503,
    });
    expect(await counted('switchyard_limits_unavailable_total')).toBe(2);
    expect(await counted('switchyard_refusals_total', { reason: 'limits_unavailable' })).toBe(1);
  });

  it('releases the slot and reservation by call id when the admission script timed out (it may have run late)', async () => {
    admit.mockRejectedValue(new Error('Command timed out'));
    const key = virtualKey({ max_parallel_requests: 2, rpm_limit: 5 });
    await expect(sut.admit(contextOf(key), resolved, request)).resolves.toMatchObject({ headers: {} });
    expect(settle).toHaveBeenCalledTimes(1);
    // the number of keys, 6 keys, then: call, cost (none: release only), event id, now, grace, token
    // correction, and the scope's flags: parallel, budget, tokens
    const argumentsSent = settle.mock.calls[0] as (string | number)[];
    expect(argumentsSent.slice(7, 10)).toEqual(['call-1', '', '']);
    expect(argumentsSent.slice(13, 16)).toEqual(['1', '0', '0']);
  });

  it('tries a failed settlement again as a release only (never holding a cost twice)', async () => {
    jest.useFakeTimers();
    try {
      admit.mockResolvedValue(['ok', 1, 0, 1, '0', '0', 0]);
      settle.mockRejectedValueOnce(new Error('Command timed out'));
      const admitted = await sut.admit(contextOf(virtualKey({ max_budget: 2 })), resolved, request);
      admitted.settle({
        eventId: 'event-1',
        costUsd: 0.5,
        usage: { input: { total: 1 }, output: { total: 1 } },
      } as AttemptOutcome);
      await jest.advanceTimersByTimeAsync(0);
      expect(settle).toHaveBeenCalledTimes(2);
      expect((settle.mock.calls[0] as string[]).slice(8, 10)).toEqual(['0.5', 'event-1']);
      expect((settle.mock.calls[1] as string[]).slice(8, 10)).toEqual(['', '']);
    } finally {
      jest.useRealTimers();
    }
  });

  it('settles once, with the real cost and tokens of the attempt that answered', async () => {
    admit.mockResolvedValue(['ok', 1, 6, 1, '0', '0', 0]);
    const key = virtualKey({ max_budget: 2, tpm_limit: 1000, max_parallel_requests: 3 });
    const admitted = await sut.admit(contextOf(key), resolved, request);
    const outcome = {
      eventId: '6f1c2c54-4f7b-4a5e-9d55-0c5d8c1f5a11',
      costUsd: 0.00004,
      usage: {
        input: { total: 7, noCache: 7, cacheRead: 0, cacheWrite: 0 },
        output: { total: 9, reasoning: 0 },
      },
    } as AttemptOutcome;
    admitted.settle(outcome);
    admitted.settle(null);
    expect(settle).toHaveBeenCalledTimes(1);
    const argumentsSent = settle.mock.calls[0] as (string | number)[];
    // the number of keys, 6 keys, then: call, cost, event id, now, grace, token correction, flags
    expect(argumentsSent.slice(7, 10)).toEqual(['call-1', '0.00004', outcome.eventId]);
    expect(argumentsSent[12]).toBe(String(7 + 9 - (Math.ceil(5 / 4) + 4)));
    expect(argumentsSent.slice(13, 16)).toEqual(['1', '1', '1']);
  });

  it("refuses a model outside the key's team with 403 naming the team's models", () => {
    const context = contextOf(virtualKey(), { team, user: null, adminOfTeams: [] });
    expect(() => sut.authorize(context, 'gpt-5.5')).toThrow(
      expect.objectContaining({
        status: 403,
        message: expect.stringContaining(
          'team "backend" may not call "gpt-5.5"; the models the team may call are: gpt-5.4-mini',
        ),
      }),
    );
    expect(sut.permits(context, 'gpt-5.5')).toBe(false);
    expect(() => sut.authorize(context, 'gpt-5.4-mini')).not.toThrow();
  });

  it("refuses a model outside the key's internal user's models with 403 naming the user's models", () => {
    const user: KeyUser = {
      scope_id: 'user:ada',
      label: 'user "ada"',
      models: ['gpt-5.4-mini'],
      max_budget: null,
      budget_duration: null,
      rpm_limit: null,
      tpm_limit: null,
      max_parallel_requests: null,
      created_at: CREATED_AT,
    };
    const context = contextOf(virtualKey(), { team: null, user, adminOfTeams: [] });
    expect(() => sut.authorize(context, 'gpt-5.5')).toThrow(
      expect.objectContaining({
        status: 403,
        message: expect.stringContaining(
          'user "ada" may not call "gpt-5.5"; the models the user may call are: gpt-5.4-mini',
        ),
      }),
    );
    expect(sut.permits(context, 'gpt-5.5')).toBe(false);
    expect(() => sut.authorize(context, 'gpt-5.4-mini')).not.toThrow();
    expect(sut.permits(context, 'gpt-5.4-mini')).toBe(true);
    // no models (or a ledger older than the field): every model
    for (const open of [
      { ...user, models: [] },
      { ...user, models: undefined },
    ]) {
      const unrestricted = contextOf(virtualKey(), { team: null, user: open, adminOfTeams: [] });
      expect(() => sut.authorize(unrestricted, 'gpt-5.5')).not.toThrow();
      expect(sut.permits(unrestricted, 'gpt-5.5')).toBe(true);
    }
  });

  it("admits a key without limits of its own in its team's scope, and names the team when it refuses", async () => {
    admit.mockResolvedValue(['budget', 1, '9.99', '0']);
    const context = contextOf(virtualKey(), { team, user: null, adminOfTeams: [] });
    const failure = await sut.admit(context, resolved, request).catch((error: unknown) => error);
    const argumentsSent = admit.mock.calls[0] as (string | number)[];
    expect(argumentsSent[0]).toBe(8);
    expect(argumentsSent[1]).toBe('limits:{team:backend}:rpm');
    expect(argumentsSent.slice(14, 18)).toEqual([-1, -1, 4, '10']);
    expect((failure as Error).message).toContain('Budget exceeded for team "backend": its max_budget is $10');
  });

  it('checks the key and its team in one script, the key first', async () => {
    admit.mockResolvedValue(['ok', 1, 0, 1, '0', '0', 0, 1, 0, 2, '3', '0.1', 0]);
    const context = contextOf(virtualKey({ max_budget: 2 }), { team, user: null, adminOfTeams: [] });
    const admitted = await sut.admit(context, resolved, request);
    const argumentsSent = admit.mock.calls[0] as (string | number)[];
    expect(argumentsSent[0]).toBe(16);
    expect(argumentsSent.slice(22, 30)).toEqual([-1, -1, -1, '2', -1, -1, 4, '10']);
    expect(admitted.headers).toMatchObject({
      'x-litellm-key-max-budget': '2',
      'x-litellm-team-max-budget': '10',
      'x-litellm-team-spend': '3',
    });
  });

  /** a tag's limits record names its life: its scope id is `tag:<name>@<created_at ms>`. */
  const CREATED_AT = new Date(Date.now() - 86_400_000).toISOString();
  const CREATED_MS = Date.parse(CREATED_AT);

  const tagLimits = (overrides: Partial<TagLimitsRecord> = {}) =>
    tagLimitsRecord({ created_at: CREATED_AT, ...overrides });

  it("holds a call to each limited tag it carries (the request's and its key's), in the same script, naming the tag it refuses for", async () => {
    limitsRedis.setTag('k-tag', tagLimits({ max_budget: 1 }));
    limitsRedis.setTag('req-tag', tagLimits({ max_budget: 2, rpm_limit: 3 }));
    admit.mockResolvedValue(['budget', 2, '2.5', '0']);
    const context = contextOf(virtualKey({ tags: ['k-tag'] }), undefined, { tags: ['req-tag', 'free'] });
    const failure = await sut.admit(context, resolved, request).catch((error: unknown) => error);
    // read once, for every tag of the call (the unlimited one included: it may have limits)
    expect(limitsRedis.reads).toEqual([
      ['limits:{tag:free}:settings', 'limits:{tag:k-tag}:settings', 'limits:{tag:req-tag}:settings'],
    ]);
    const argumentsSent = admit.mock.calls[0] as (string | number)[];
    expect(argumentsSent[0]).toBe(16);
    expect(argumentsSent[1]).toBe(`limits:{tag:k-tag@${CREATED_MS}}:rpm`);
    expect(argumentsSent[9]).toBe(`limits:{tag:req-tag@${CREATED_MS}}:rpm`);
    expect(argumentsSent.slice(22, 30)).toEqual([-1, -1, -1, '1', 3, -1, -1, '2']);
    expect(failure).toMatchObject({ status: 429 });
    expect((failure as Error).message).toContain('Budget exceeded for tag "req-tag": its max_budget is $2');
    expect(refusals).toHaveLength(1);
  });

  it("adds its team's tags", async () => {
    limitsRedis.setTag('team-tag', tagLimits({ max_parallel_requests: 2 }));
    admit.mockResolvedValue(['ok', 1, 0, 1, '0', '0', 0, 1, 0, 2, '3', '0.1', 0]);
    const taggedTeam: KeyTeam = { ...team, tags: ['team-tag'] };
    const context = contextOf(virtualKey(), { team: taggedTeam, user: null, adminOfTeams: [] });
    await sut.admit(context, resolved, request);
    expect(limitsRedis.reads).toEqual([['limits:{tag:team-tag}:settings']]);
    const argumentsSent = admit.mock.calls[0] as (string | number)[];
    expect(argumentsSent[0]).toBe(16);
    expect(argumentsSent[9]).toBe(`limits:{tag:team-tag@${CREATED_MS}}:rpm`);
  });

  it(`refuses a call carrying more than ${MAX_TAG_SCOPES} limited tags with 400, before any limit is counted`, async () => {
    const names = Array.from({ length: MAX_TAG_SCOPES + 1 }, (_, index) => `tag-${index}`);
    for (const name of names) limitsRedis.setTag(name, tagLimits({ rpm_limit: 100 }));
    const failure = await sut
      .admit(contextOf(virtualKey(), undefined, { tags: names }), resolved, request)
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 400, code: 'too_many_limited_tags' });
    expect(admit).not.toHaveBeenCalled();
  });

  it('never reads tag limits for the master key, though a virtual key carrying the same tag is held to them', async () => {
    limitsRedis.setTag('k-tag', tagLimits({ max_budget: 0 }));
    admit.mockResolvedValue(['budget', 1, '0', '0']);
    const tagged = { tags: ['k-tag'] };
    const failure = await sut
      .admit(contextOf(virtualKey(), undefined, tagged), resolved, request)
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 429 });
    expect((failure as Error).message).toContain('Budget exceeded for tag "k-tag"');
    expect(limitsRedis.reads).toHaveLength(1);
    expect(admit).toHaveBeenCalledTimes(1);

    expect(await sut.admit(contextOf(null, undefined, tagged), resolved, request)).toMatchObject({
      headers: {},
    });
    expect(limitsRedis.reads).toHaveLength(1);
    expect(admit).toHaveBeenCalledTimes(1);
  });

  it('holds a call to the limits it last read of a tag when Redis cannot be read: a budgeted tag is refused with 503', async () => {
    const realNow = Date.now();
    const clock = jest.spyOn(Date, 'now').mockReturnValue(realNow);
    try {
      limitsRedis.setTag('k-tag', tagLimits({ max_budget: 5 }));
      admit.mockResolvedValue(['ok', 0, 1, 0, '0', '0.1', 0]);
      const context = contextOf(virtualKey(), undefined, { tags: ['k-tag'] });
      await sut.admit(context, resolved, request);
      expect(admit).toHaveBeenCalledTimes(1);

      // a minute later Redis is away: the tag read fails, and so does the admission script
      clock.mockReturnValue(realNow + 60_000);
      limitsRedis.away = true;
      admit.mockRejectedValue(new Error('connect ECONNREFUSED'));
      const failure = await sut.admit(context, resolved, request).catch((error: unknown) => error);
      expect(failure).toMatchObject({ status: 503 });
      expect((failure as Error).message).toContain('The budget of tag "k-tag" cannot be checked');
      expect((admit.mock.calls[1] as (string | number)[])[1]).toBe(`limits:{tag:k-tag@${CREATED_MS}}:rpm`);
    } finally {
      clock.mockRestore();
    }
  });

  it('refuses with 503 a call carrying a tag whose limits record cannot be understood', async () => {
    limitsRedis.setTag('k-tag', { ...tagLimits(), created_at: 'yesterday' });
    const failure = await sut
      .admit(contextOf(virtualKey(), undefined, { tags: ['k-tag'] }), resolved, request)
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 503 });
    expect((failure as Error).message).toContain('The limits of tag "k-tag" cannot be read');
    expect(admit).not.toHaveBeenCalled();
  });
});
