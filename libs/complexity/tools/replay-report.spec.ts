import type { Tier } from '@switchyard/contracts';
import { formatReplayReport, replayReport, type ReplayedAsk } from './replay-report';
import type { LoggedAsk } from './routing-log-source';

function replayed(id: string, before: Tier, after: Tier, label: Tier | null = null): ReplayedAsk {
  const ask: LoggedAsk = {
    id,
    requestId: `request-${id}`,
    createdAt: '2026-12-05T12:00:00.000Z',
    router: 'r',
    tier: before,
    complexityTier: before,
    model: `${before.toLowerCase()}-model`,
    ask: `ask ${id}`,
    label,
    labelSource: label === null ? null : 'owner',
    inputTokens: 1000,
    outputTokens: 100,
  };
  return {
    ask,
    before: { tier: before, model: `${before.toLowerCase()}-model` },
    after: { tier: after, model: `${after.toLowerCase()}-model` },
  };
}

const PRICES: Record<string, { input: number; output: number }> = {
  'simple-model': { input: 1e-6, output: 2e-6 },
  'reasoning-model': { input: 1e-5, output: 2e-5 },
};

describe(replayReport.name, () => {
  const sut = replayReport(
    [
      replayed('1', 'SIMPLE', 'SIMPLE'),
      replayed('2', 'SIMPLE', 'REASONING', 'REASONING'),
      replayed('3', 'MEDIUM', 'MEDIUM', 'SIMPLE'),
    ],
    1,
    (model) => PRICES[model] ?? null,
  );

  it('counts the tier mix before and after', () => {
    expect(sut.mix.filter((row) => row.before > 0 || row.after > 0)).toEqual([
      { tier: 'SIMPLE', before: 2, after: 1 },
      { tier: 'MEDIUM', before: 1, after: 1 },
      { tier: 'REASONING', before: 0, after: 1 },
    ]);
    expect(sut.asks).toBe(3);
    expect(sut.skipped).toBe(1);
  });

  it('lists only the changed decisions', () => {
    expect(sut.changed).toEqual([
      expect.objectContaining({
        id: '2',
        before: 'SIMPLE',
        after: 'REASONING',
        afterModel: 'reasoning-model',
      }),
    ]);
  });

  it('prices both sides at the tier models over the logged tokens, and names what has no price', () => {
    const simple = 1000 * 1e-6 + 100 * 2e-6;
    const reasoning = 1000 * 1e-5 + 100 * 2e-5;
    expect(sut.cost.before).toBeCloseTo(2 * simple, 12);
    expect(sut.cost.after).toBeCloseTo(simple + reasoning, 12);
    expect(sut.cost.difference).toBeCloseTo(reasoning - simple, 12);
    expect(sut.cost.inputTokens).toBe(3000);
    expect(sut.unpriced).toEqual(['medium-model']);
  });

  it('compares decisions with the labels', () => {
    expect(sut.labelled).toEqual({ asks: 2, agreeBefore: 0, agreeAfter: 1 });
  });

  it('prints the mix, the cost difference and the changed decisions', () => {
    const text = formatReplayReport(sut, 'Replay', 10);
    expect(text).toContain('| SIMPLE | 2 (66.7%) | 1 (33.3%) | −1 |');
    expect(text).toMatch(/difference \+\$0\.0108 \(\+450\.0%\)/);
    expect(text).toContain('No price for medium-model');
    expect(text).toContain('Changed decisions: 1');
    expect(text).toContain('| 2 | r | SIMPLE | REASONING | reasoning-model | REASONING | ask 2 |');
  });
});
