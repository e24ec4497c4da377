import { join } from 'node:path';
import { TIERS } from '@switchyard/contracts';
import { routerWith } from './route-asks';
import { CORPUS_PATHS, repositoryRoot } from './routing-corpus';
import { type LabelledSession, readSessions, routeSessions, sessionRequests } from './sessions';

const TIER_MODELS = { SIMPLE: 's', MEDIUM: 'm', COMPLEX: 'c', REASONING: 'r' };
const session = (client: LabelledSession['client']): LabelledSession => ({
  id: `${client}-1`,
  client,
  turns: [
    { kind: 'ask', text: 'is our sharding key gonna bite us', tier: 'REASONING' },
    { kind: 'housekeeping', tier: 'SIMPLE' },
    { kind: 'tool', text: 'Tests: 3 passed', tier: 'REASONING' },
    { kind: 'continuation', text: 'yes', tier: 'REASONING' },
  ],
});

describe(sessionRequests.name, () => {
  it('builds one request per turn, each with the history before it, in the client shape', () => {
    const sut = sessionRequests(session('codex'), 'r');
    expect(sut).toHaveLength(4);
    const last = sut[3].body.messages;
    expect(last[0]).toMatchObject({ role: 'system' });
    expect(JSON.stringify(last[1])).toContain('<environment_context>');
    expect(last.some((message) => message.role === 'tool')).toBe(true);
    expect(last[last.length - 1]).toEqual({ role: 'user', content: [{ type: 'text', text: 'yes' }] });
    // the title request is the client's housekeeping shape, beside the conversation.
    expect(JSON.stringify(sut[1].body.messages)).toContain('succinct title');
  });

  it("puts Claude Code's system-reminder before each ask and OpenCode's title generator prompt", () => {
    const claude = sessionRequests(session('claude-code'), 'r')[0].body.messages;
    expect(JSON.stringify(claude[1])).toContain('<system-reminder>');
    const opencode = sessionRequests(session('opencode'), 'r')[1].body.messages;
    expect(opencode[0]).toMatchObject({
      role: 'system',
      content: expect.stringMatching(/^You are a title generator/),
    });
  });
});

describe(routeSessions.name, () => {
  const costOf = (tier: number): number => tier + 1;

  it('counts continuations held, housekeeping on the cheapest tier and cost, per conversation setting', async () => {
    const sessions = [session('opencode')];
    const off = await routeSessions(
      'off',
      routerWith('r', { tiers: TIER_MODELS, classifier_type: 'learned' }),
      sessions,
      costOf,
    );
    const inherit = await routeSessions(
      'inherit',
      routerWith('r', { tiers: TIER_MODELS, classifier_type: 'learned', conversation: { mode: 'inherit' } }),
      sessions,
      costOf,
    );
    expect(off.housekeepingCheapest).toBe(1);
    expect(off.continuationCount).toBe(2);
    // "yes" alone is not REASONING; the tool turn is decided by the ask it serves.
    expect(off.continuationHeld).toBe(1);
    expect(inherit.continuationHeld).toBe(2);
    expect(inherit.costPerThousand).toBeGreaterThan(off.costPerThousand);
    expect(inherit.confusion.flat().reduce((sum, count) => sum + count, 0)).toBe(4);
  });
});

describe('the labelled sessions', () => {
  const sessions = readSessions(join(repositoryRoot(__dirname), CORPUS_PATHS.sessions));

  it('hold at least 100 sessions of the three clients, every turn kind and tier', () => {
    expect(sessions.length).toBeGreaterThanOrEqual(100);
    for (const client of ['opencode', 'claude-code', 'codex']) {
      expect(sessions.filter((one) => one.client === client).length).toBeGreaterThanOrEqual(30);
    }
    const turns = sessions.flatMap((one) => one.turns);
    for (const kind of ['ask', 'followup', 'continuation', 'tool', 'housekeeping']) {
      expect(turns.some((turn) => turn.kind === kind)).toBe(true);
    }
    for (const tier of TIERS) expect(turns.some((turn) => turn.tier === tier)).toBe(true);
    expect(turns.filter((turn) => turn.kind === 'housekeeping').every((turn) => turn.tier === 'SIMPLE')).toBe(
      true,
    );
  });
});
