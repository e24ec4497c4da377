import { askCost, confusionTable, routingReport, type TierPrices } from './routing-metrics';

const PRICES: TierPrices = {
  SIMPLE: { input: 1e-7, output: 2e-7 },
  MEDIUM: { input: 1e-6, output: 2e-6 },
  COMPLEX: { input: 2e-6, output: 4e-6 },
  REASONING: { input: 3e-6, output: 6e-6 },
};

describe(routingReport.name, () => {
  it('counts agreement, hard asks sent to SIMPLE, under- and over-routing, and cost', () => {
    const labels = [0, 1, 2, 3, 3, 2];
    const decided = [0, 2, 0, 3, 1, 2];
    const sut = routingReport('r', labels, decided, PRICES, { inputTokens: 1_000, outputTokens: 100 });
    expect(sut.exactAgreement).toBeCloseTo(3 / 6);
    expect(sut.hardToSimpleCount).toBe(1);
    expect(sut.hardCount).toBe(4);
    expect(sut.hardToSimple).toBeCloseTo(1 / 4);
    expect(sut.simpleToHardCount).toBe(0);
    expect(sut.simpleCount).toBe(1);
    expect(sut.underRouted).toBeCloseTo(2 / 6);
    expect(sut.overRouted).toBeCloseTo(1 / 6);
    expect(sut.confusion[3]).toEqual([0, 1, 0, 1]);
    const perAsk = (tier: 'SIMPLE' | 'MEDIUM' | 'COMPLEX' | 'REASONING'): number =>
      askCost(tier, PRICES, { inputTokens: 1_000, outputTokens: 100 });
    const expected =
      (2 * perAsk('SIMPLE') + perAsk('MEDIUM') + 2 * perAsk('COMPLEX') + perAsk('REASONING')) / 6;
    expect(sut.costPerThousand).toBeCloseTo(expected * 1_000, 10);
  });

  it('counts SIMPLE asks sent to COMPLEX or REASONING, not those sent to MEDIUM', () => {
    const sut = routingReport('r', [0, 0, 0, 0, 1], [1, 2, 3, 0, 3], PRICES);
    expect(sut.simpleToHardCount).toBe(2);
    expect(sut.simpleCount).toBe(4);
    expect(sut.simpleToHard).toBeCloseTo(2 / 4);
  });

  it('prints a confusion matrix with the agreeing cells in bold', () => {
    const table = confusionTable([
      [1, 0, 0, 0],
      [0, 2, 0, 0],
      [0, 0, 3, 1],
      [0, 0, 0, 4],
    ]);
    expect(table.split('\n')[4]).toBe('| COMPLEX | 0 | 0 | **3** | 1 | 4 |');
  });
});
