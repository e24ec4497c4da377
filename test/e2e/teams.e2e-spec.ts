import { setTimeout as sleep } from 'node:timers/promises';
import { eventually, TEST_MASTER_KEY, TestFleet } from '@switchyard/testing';

interface KeyInfo {
  key_id: string;
  token: string;
  team_id: string | null;
  blocked: boolean;
}
type MintedKey = KeyInfo & { key: string };

interface Team {
  team_id: string;
  max_budget: number | null;
  spend: number;
  blocked: boolean;
  members_with_roles: { user_id: string; role: string }[];
}

interface Answer {
  status: number;
  headers: Headers;
  body: { error?: { message: string; type: string; code: string | null } };
}

interface ReportRow {
  group: string | null;
  cost_usd: number;
  requests: number;
}

/** The demo config caches responses: every call here must reach the provider and cost money. */
const NO_CACHE = { 'cache-control': 'no-cache, no-store' };
const MODEL = 'gpt-5.4-mini';

describe('teams, users, tags and customers (two ingress replicas)', () => {
  let fleet: TestFleet;

  beforeAll(async () => {
    fleet = await TestFleet.start({ extraIngress: 1 });
  });

  afterAll(async () => {
    await fleet?.stop();
  });

  async function call(
    path: string,
    body: unknown,
    key = TEST_MASTER_KEY,
    baseUrl = fleet.baseUrl,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${baseUrl}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function admin<T>(path: string, body?: unknown, baseUrl = fleet.baseUrl): Promise<T> {
    const answer = await call(path, body, TEST_MASTER_KEY, baseUrl);
    if (answer.status !== 200) throw new Error(`${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body as T;
  }

  async function chat(
    key: string,
    ask: string,
    options: { baseUrl?: string; model?: string; extra?: Record<string, unknown>; tags?: string } = {},
  ): Promise<Answer> {
    const response = await fetch(`${options.baseUrl ?? fleet.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': 'application/json',
        ...NO_CACHE,
        ...(options.tags ? { 'x-litellm-tags': options.tags } : {}),
      },
      body: JSON.stringify({
        model: options.model ?? MODEL,
        messages: [{ role: 'user', content: ask }],
        ...options.extra,
      }),
    });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as Answer['body'],
    };
  }

  /** What one request costs, measured with the master key (the mock's usage is deterministic). */
  async function costOf(ask: string, extra: Record<string, unknown>): Promise<number> {
    const response = await fetch(`${fleet.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TEST_MASTER_KEY}`,
        'content-type': 'application/json',
        ...NO_CACHE,
      },
      body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: ask }], ...extra }),
    });
    expect(response.status).toBe(200);
    return Number(response.headers.get('x-litellm-response-cost'));
  }

  async function report(groupBy: string): Promise<Map<string | null, number>> {
    const { rows } = await admin<{ rows: ReportRow[] }>(`/spend/report?group_by=${groupBy}`);
    return new Map(rows.map((row) => [row.group, row.cost_usd]));
  }

  async function sumsOver(column: string, values: readonly string[]): Promise<Map<string, number>> {
    const expression = column === 'request_tags' ? 'unnest(request_tags)' : column;
    const rows = await fleet.database.query<{ grouped: string; cost: string }>(
      `SELECT grouped, coalesce(sum(cost_usd), 0)::text AS cost
       FROM (SELECT ${expression} AS grouped, cost_usd FROM usage_events) AS usage
       WHERE grouped = ANY($1::text[]) GROUP BY grouped`,
      [values],
    );
    return new Map(rows.map((row) => [row.grouped, Number(row.cost)]));
  }

  it('holds team budgets under 60 concurrent calls across 3 teams × 4 keys, stops a blocked team on every replica within 1 s, and reports spend per team, user, tag and customer', async () => {
    // the mock holds every answer 400 ms, so the calls of a burst are in flight together
    const ask = 'Team burst [[mock:{"latencyMs":400}]]';
    const extra = { max_tokens: 16 };
    const cost = await costOf(ask, extra);
    const teamBudget = cost * 6;
    const teams = ['alpha', 'beta', 'gamma'].map((name) => `${name}-${fleet.namespace}`);
    const [alpha, beta, gamma] = teams;
    await admin<Team>('/team/new', {
      team_id: alpha,
      max_budget: teamBudget,
      models: [MODEL],
      tags: ['t-alpha'],
    });
    await admin<Team>('/team/new', { team_id: beta, max_budget: 1000, max_parallel_requests: 50 });
    await admin<Team>('/team/new', { team_id: gamma, max_budget: 1000 });
    const keys = new Map<string, MintedKey[]>();
    for (const team of teams) {
      const minted: MintedKey[] = [];
      for (let index = 0; index < 4; index += 1) {
        minted.push(
          await admin<MintedKey>('/key/generate', {
            team_id: team,
            user_id: `${team}-user-${index % 2}`,
            tags: [`k-${index}`],
          }),
        );
      }
      keys.set(team, minted);
    }
    // beta and gamma keys are cached on both replicas: only keys.changed.v1 can make them see the block sooner
    for (const team of [beta, gamma]) {
      for (const key of keys.get(team) ?? []) {
        for (const baseUrl of fleet.ingressUrls) {
          expect((await chat(key.key, 'warm the cache', { baseUrl })).status).toBe(200);
        }
      }
    }

    const burst = (round: number) =>
      Promise.all(
        Array.from({ length: 60 }, (_, index) => {
          const team = teams[index % 3];
          const key = (keys.get(team) ?? [])[Math.floor(index / 3) % 4];
          return chat(key.key, ask, {
            baseUrl: fleet.ingressUrls[index % 2],
            extra: {
              ...extra,
              user: `customer-${index % 4}-${fleet.namespace}`,
              metadata: { tags: ['burst'] },
            },
            tags: `round-${round}`,
          }).then((answer) => ({ team, answer }));
        }),
      );

    const first = burst(1);
    await sleep(150);
    // block gamma while the first burst is in flight
    await admin<Team>('/team/block', { team_id: gamma }, fleet.ingressUrls[1]);
    const blockedAt = Date.now();
    const firstAnswers = await first;
    await sleep(Math.max(0, 1000 - (Date.now() - blockedAt)));
    const secondAnswers = await burst(2);

    const of = (answers: typeof firstAnswers, team: string) =>
      answers.filter((item) => item.team === team).map((item) => item.answer);
    // gamma: every call after the block is refused on both replicas, as its team is blocked
    for (const answer of of(secondAnswers, gamma)) {
      expect(answer.status).toBe(401);
      expect(answer.body.error?.message).toContain(`team "${gamma}" is blocked`);
    }
    // beta runs on
    // beta runs on: never refused by a budget, a limit or the block. On a loaded machine an admission
    // script may miss Redis' 500 ms command timeout: the call then fails closed with 503 (a budget
    // that cannot be checked), which says nothing about teams, so it is told apart
    const unavailable = (answer: Answer) =>
      answer.status === 503 && /cannot be checked right now/.test(answer.body.error?.message ?? '');
    const betaAnswers = [...of(firstAnswers, beta), ...of(secondAnswers, beta)];
    const betaFailures = betaAnswers
      .filter((answer) => answer.status !== 200 && !unavailable(answer))
      .map((answer) => [answer.status, answer.body.error?.message]);
    expect(betaFailures).toEqual([]);
    expect(betaAnswers.filter((answer) => answer.status === 200).length).toBeGreaterThan(20);
    // alpha: its team budget refuses what does not fit, naming the team
    const alphaAnswers = [...of(firstAnswers, alpha), ...of(secondAnswers, alpha)];
    const admitted = alphaAnswers.filter((answer) => answer.status === 200).length;
    const refused = alphaAnswers.filter((answer) => answer.status === 429);
    expect(admitted + refused.length + alphaAnswers.filter(unavailable).length).toBe(40);
    expect(admitted).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0].body.error?.message).toContain(`Budget exceeded for team "${alpha}"`);
    const estimate = Number(/may cost up to \$([0-9.e-]+)/.exec(refused[0].body.error?.message ?? '')?.[1]);
    expect(estimate).toBeGreaterThan(0);
    const alphaTeam = await eventually(
      () => admin<{ team_info: Team }>(`/team/info?team_id=${alpha}`),
      (info) => Math.abs(info.team_info.spend - admitted * cost) < 1e-12,
      { description: 'the spend of every admitted call of the alpha team' },
    );
    expect(alphaTeam.team_info.spend).toBeLessThanOrEqual(teamBudget + estimate);

    // every answered call is stored before the sums are compared
    const answeredCalls = [...firstAnswers, ...secondAnswers].filter(
      (item) => item.answer.status === 200,
    ).length;
    await eventually(
      () =>
        fleet.database.query<{ count: string }>(
          `SELECT count(*)::text AS count FROM usage_events WHERE kind = 'upstream' AND team_id = ANY($1::text[])
             AND metadata -> 'tags' ? 'burst'`,
          [teams],
        ),
      (rows) => Number(rows[0].count) === answeredCalls,
      { description: 'the usage rows of the bursts' },
    );
    const users = teams.flatMap((team) => [`${team}-user-0`, `${team}-user-1`]);
    const customers = [0, 1, 2, 3].map((index) => `customer-${index}-${fleet.namespace}`);
    const tags = ['round-1', 'round-2', 'k-0', 'k-3', 't-alpha'];
    for (const [groupBy, column, values] of [
      ['team', 'team_id', teams],
      ['user', 'user_id', users],
      ['customer', 'end_user', customers],
      ['tag', 'request_tags', tags],
    ] as const) {
      const expected = await sumsOver(column, values);
      const reported = await report(groupBy);
      for (const value of values) {
        expect([groupBy, value, reported.get(value) ?? 0]).toEqual([
          groupBy,
          value,
          expect.closeTo(expected.get(value) ?? 0, 10),
        ]);
      }
      expect(expected.get(values[0]) ?? 0).toBeGreaterThan(0);
    }
    // and the logs filter by each of them
    const logs = await admin<{ data: { team_id: string; request_tags: string[]; user: string }[] }>(
      `/spend/logs?team_id=${alpha}&tag=t-alpha&customer=${customers[0]}&limit=500`,
    );
    expect(logs.data.length).toBeGreaterThan(0);
    for (const row of logs.data) {
      expect(row).toMatchObject({ team_id: alpha, user: customers[0] });
      expect(row.request_tags).toContain('t-alpha');
    }

    // unblocked, gamma calls again on every replica within one second
    await admin('/team/unblock', { team_id: gamma }, fleet.ingressUrls[0]);
    await sleep(1000);
    for (const baseUrl of fleet.ingressUrls) {
      expect((await chat((keys.get(gamma) ?? [])[0].key, 'after unblock', { baseUrl })).status).toBe(200);
    }
  });

  it("lets a team admin's key create and block its team's keys only, and refuses models outside a key's team", async () => {
    const own = `own-${fleet.namespace}`;
    const other = `other-${fleet.namespace}`;
    await admin('/team/new', {
      team_id: own,
      models: [MODEL],
      members_with_roles: [{ user_id: 'lead', role: 'admin' }],
    });
    await admin('/team/new', { team_id: other, members_with_roles: [{ user_id: 'dev', role: 'member' }] });
    const lead = await admin<MintedKey>('/key/generate', { user_id: 'lead', team_id: own });
    const developer = await admin<MintedKey>('/key/generate', { user_id: 'dev', team_id: other });
    const othersKey = await admin<MintedKey>('/key/generate', { team_id: other });

    const created = await call(
      '/key/generate',
      { team_id: own, models: [MODEL] },
      lead.key,
      fleet.ingressUrls[1],
    );
    expect(created.status).toBe(200);
    const minted = created.body as unknown as MintedKey;
    expect(minted.team_id).toBe(own);
    expect((await chat(minted.key, 'made by the team admin')).status).toBe(200);
    const blocked = await call('/key/block', { key: minted.key }, lead.key);
    expect(blocked.status).toBe(200);
    expect(blocked.body).toMatchObject({ blocked: true });
    await sleep(1000);
    for (const baseUrl of fleet.ingressUrls) {
      expect((await chat(minted.key, 'blocked by the team admin', { baseUrl })).status).toBe(401);
    }
    const listed = await call('/key/list', undefined, lead.key);
    expect(listed.status).toBe(200);
    expect(listed.body.keys).toEqual(expect.arrayContaining([minted.token, lead.token]));
    expect(listed.body.keys).not.toContain(othersKey.token);

    for (const [path, body] of [
      ['/key/generate', { team_id: other }],
      ['/key/generate', {}],
      ['/key/block', { key: othersKey.token }],
      ['/key/update', { key: minted.token, team_id: other }],
      ['/team/new', { team_id: `stolen-${fleet.namespace}` }],
      ['/team/block', { team_id: other }],
      ['/user/new', { user_id: 'intruder' }],
    ] as const) {
      const refused = await call(path, body, lead.key);
      expect([path, refused.status]).toEqual([path, 403]);
    }
    expect((await call(`/key/info?key=${othersKey.token}`, undefined, lead.key)).status).toBe(403);
    // a member's key is no admin at all
    expect((await call('/key/generate', { team_id: other }, developer.key)).status).toBe(403);
    expect((await chat(othersKey.key, 'still working')).status).toBe(200);

    // models outside the team's: refused when the key is made, and when it calls
    const outside = await call('/key/generate', { team_id: own, models: ['gpt-5.5'] });
    expect(outside.status).toBe(403);
    expect((outside.body as Answer['body']).error?.message).toContain(
      `Key models not allowed by team "${own}": gpt-5.5; the team may call: ${MODEL}`,
    );
    const called = await chat(lead.key, 'outside the team', { model: 'gpt-5.5' });
    expect(called.status).toBe(403);
    expect(called.body.error?.message).toContain(
      `team "${own}" may not call "gpt-5.5"; the models the team may call are: ${MODEL}`,
    );

    const info = await admin<{ team_info: Team; keys: { token: string }[] }>(`/team/info?team_id=${own}`);
    expect(info.team_info.members_with_roles).toEqual([{ user_id: 'lead', role: 'admin' }]);
    expect(info.keys.map((key) => key.token)).toEqual(expect.arrayContaining([lead.token, minted.token]));
    const user = await admin<{ user_info: { teams: { team_id: string; role: string }[] } }>(
      '/user/info?user_id=lead',
    );
    expect(user.user_info.teams).toEqual([{ team_id: own, role: 'admin' }]);
  });

  it("refuses models outside a key's internal user's models on every replica, from the user's creation and through its update", async () => {
    const userId = `scoped-${fleet.namespace}`;
    // the key names the user before the user exists, and every replica caches it without one
    const minted = await admin<MintedKey>('/key/generate', { user_id: userId });
    for (const baseUrl of fleet.ingressUrls) {
      expect((await chat(minted.key, 'before the user', { baseUrl, model: 'gpt-5.5' })).status).toBe(200);
    }
    await admin('/user/new', { user_id: userId, models: [MODEL] });
    await sleep(1000);
    for (const baseUrl of fleet.ingressUrls) {
      expect((await chat(minted.key, 'inside the user', { baseUrl })).status).toBe(200);
      const refused = await chat(minted.key, 'outside the user', { baseUrl, model: 'gpt-5.5' });
      expect(refused.status).toBe(403);
      expect(refused.body.error?.message).toContain(
        `user "${userId}" may not call "gpt-5.5"; the models the user may call are: ${MODEL}`,
      );
    }
    const listed = await fetch(`${fleet.baseUrl}/v1/models`, {
      headers: { authorization: `Bearer ${minted.key}` },
    });
    const ids = ((await listed.json()) as { data: { id: string }[] }).data.map((model) => model.id);
    expect(ids).toContain(MODEL);
    expect(ids).not.toContain('gpt-5.5');

    await admin('/user/update', { user_id: userId, models: [MODEL, 'gpt-5.5'] });
    await sleep(1000);
    for (const baseUrl of fleet.ingressUrls) {
      expect((await chat(minted.key, 'the user may now', { baseUrl, model: 'gpt-5.5' })).status).toBe(200);
    }
  });

  it('holds an end user to its budget across keys, and refuses a blocked end user', async () => {
    const ask = 'Customer budget';
    const extra = { max_tokens: 12 };
    const cost = await costOf(ask, extra);
    const customer = `budgeted-${fleet.namespace}`;
    await admin('/customer/new', { user_id: customer, max_budget: cost * 1.5 });
    await admin('/customer/new', { user_id: `blocked-${fleet.namespace}`, blocked: true });
    const [first, second] = [
      await admin<MintedKey>('/key/generate', {}),
      await admin<MintedKey>('/key/generate', {}),
    ];
    await sleep(1000);
    expect((await chat(first.key, ask, { extra: { ...extra, user: customer } })).status).toBe(200);
    const refused = await chat(second.key, ask, {
      extra: { ...extra, user: customer },
      baseUrl: fleet.ingressUrls[1],
    });
    expect(refused.status).toBe(429);
    expect(refused.body.error?.message).toContain(`Budget exceeded for end user "${customer}"`);
    expect((await chat(second.key, ask, { extra: { ...extra, user: 'someone-else' } })).status).toBe(200);
    const blocked = await chat(first.key, ask, { extra: { ...extra, user: `blocked-${fleet.namespace}` } });
    expect(blocked.status).toBe(403);
    const info = await eventually(
      () => admin<{ spend: number; max_budget: number }>(`/customer/info?end_user_id=${customer}`),
      (current) => current.spend > 0,
      { description: 'the spend of the end user' },
    );
    expect(info.spend).toBeCloseTo(cost, 12);
  });

  it("holds a tag to its budget and rate limit across keys and replicas (request tags, x-litellm-tags, a key's tags), lets it through within a second of /tag/update and /tag/delete, and writes a usage row for every admitted call", async () => {
    const ask = 'Tag budget';
    const extra = { max_tokens: 12 };
    const cost = await costOf(ask, extra);
    const tag = `capped-${fleet.namespace}`;
    const other = `free-${fleet.namespace}`;
    const created = await admin<{ message: string; tag: Record<string, unknown> }>('/tag/new', {
      name: tag,
      description: 'a budget for one tag',
      max_budget: cost * 1.5,
      soft_budget: 0.5,
    });
    expect(created.message).toBe(`Tag ${tag} created successfully`);
    expect(created.tag).toMatchObject({
      name: tag,
      description: 'a budget for one tag',
      models: [],
      max_budget: cost * 1.5,
      soft_budget: 0.5,
      spend: 0,
      litellm_budget_table: { max_budget: cost * 1.5, soft_budget: 0.5, rpm_limit: null },
    });
    await admin('/tag/new', { name: other });
    const again = await call('/tag/new', { name: tag });
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ error: { message: `Tag ${tag} already exists`, param: 'name' } });
    const routed = await call('/tag/new', { name: `routed-${fleet.namespace}`, models: [MODEL] });
    expect(routed.status).toBe(400);
    expect(JSON.stringify(routed.body)).toContain('tag-based routing is not supported');
    const [first, second] = [
      await admin<MintedKey>('/key/generate', {}),
      await admin<MintedKey>('/key/generate', {}),
    ];
    const taggedKey = await admin<MintedKey>('/key/generate', { tags: [tag] });
    expect((await call('/tag/update', { name: tag, max_budget: 1000 }, first.key)).status).toBe(403);
    const inTag = (extraTags: Record<string, unknown> = {}) => ({
      ...extra,
      metadata: { tags: [tag] },
      ...extraTags,
    });
    // every 200 below carrying the tag must leave a usage row carrying it
    let admittedWithTag = 0;
    const expectAdmitted = (answer: Answer, carriesTag: boolean) => {
      expect(answer.status).toBe(200);
      if (carriesTag) admittedWithTag += 1;
    };
    const expectRefused = (answer: Answer) => {
      expect(answer.status).toBe(429);
      expect(answer.body.error?.message).toContain(`Budget exceeded for tag "${tag}"`);
    };

    expectAdmitted(await chat(first.key, ask, { extra: inTag() }), true);
    // the first call's cost is held (reserved, then counted): no key of any replica gets past the tag
    for (const baseUrl of fleet.ingressUrls) {
      expectRefused(await chat(second.key, ask, { baseUrl, extra: inTag() }));
      expectRefused(await chat(second.key, ask, { baseUrl, extra, tags: `unrelated,${tag}` }));
      expectRefused(await chat(taggedKey.key, ask, { baseUrl, extra }));
      // 50 request tags sorting before the key's budgeted tag do not push it out of the call's tags
      const flood = Array.from({ length: 50 }, (_, index) => `a-${String(index).padStart(2, '0')}`);
      expectRefused(
        await chat(taggedKey.key, ask, { baseUrl, extra: { ...extra, metadata: { tags: flood } } }),
      );
      expectRefused(await chat(taggedKey.key, ask, { baseUrl, extra, tags: flood.join(',') }));
    }
    expectAdmitted(await chat(second.key, ask, { extra: { ...extra, metadata: { tags: [other] } } }), false);
    expectAdmitted(await chat(second.key, ask, { extra }), false);
    // the master key is never limited, and its spend counts for the tag
    const master = await chat(TEST_MASTER_KEY, ask, { extra: inTag() });
    expectAdmitted(master, true);

    const info = await eventually(
      () => admin<Record<string, { spend: number; max_budget: number }>>('/tag/info', { names: [tag] }),
      (current) => current[tag]?.spend >= 2 * cost - 1e-12,
      { description: 'the spend of the tag' },
    );
    expect(info[tag].spend).toBeCloseTo(2 * cost, 12);
    expect((await call('/tag/info', { names: [tag, `missing-${fleet.namespace}`] })).status).toBe(404);
    const listed = await admin<{ name: string }[]>('/tag/list');
    expect(listed.map((entry) => entry.name)).toEqual(expect.arrayContaining([tag, other]));

    const raised = await admin<{ tag: { max_budget: number; description: string } }>('/tag/update', {
      name: tag,
      max_budget: cost * 100,
    });
    expect(raised.tag).toMatchObject({ max_budget: cost * 100, description: 'a budget for one tag' });
    await sleep(1100);
    for (const baseUrl of fleet.ingressUrls) {
      expectAdmitted(await chat(second.key, ask, { baseUrl, extra: inTag() }), true);
      expectAdmitted(await chat(taggedKey.key, ask, { baseUrl, extra }), true);
    }

    // a rate limit on the tag holds too, across keys
    await admin('/tag/update', { name: tag, rpm_limit: 1 });
    await sleep(1100);
    expectAdmitted(await chat(second.key, ask, { extra, tags: tag }), true);
    const limited = await chat(first.key, ask, { extra, tags: tag, baseUrl: fleet.ingressUrls[1] });
    expect(limited.status).toBe(429);
    expect(limited.body.error?.message).toContain(`Rate limit reached for tag "${tag}"`);

    await admin('/tag/update', { name: tag, rpm_limit: null, max_budget: 0 });
    await sleep(1100);
    expectRefused(await chat(first.key, ask, { extra: inTag() }));
    const deleted = await admin<{ message: string }>('/tag/delete', { name: tag });
    expect(deleted.message).toBe(`Tag ${tag} deleted successfully`);
    expect((await call('/tag/info', { names: [tag] })).status).toBe(404);
    expect((await admin<{ name: string }[]>('/tag/list')).map((entry) => entry.name)).not.toContain(tag);
    await sleep(1100);
    for (const baseUrl of fleet.ingressUrls) {
      expectAdmitted(await chat(first.key, ask, { baseUrl, extra: inTag() }), true);
      expectAdmitted(await chat(taggedKey.key, ask, { baseUrl, extra }), true);
    }

    await eventually(
      async () => {
        const rows = await fleet.database.query<{ rows: string }>(
          `SELECT count(*)::text AS rows FROM usage_events
           WHERE request_tags @> ARRAY[$1::text] AND kind <> 'refusal' AND status = 'success'`,
          [tag],
        );
        return Number(rows[0].rows);
      },
      (rows) => rows === admittedWithTag,
      { description: `a usage row for each of the ${admittedWithTag} admitted calls carrying the tag` },
    );
  });
});
