import { costOf } from './cost';
import type { ModelPrices } from './model-facts';

const sonnet: ModelPrices = {
  inputPerToken: 3e-6,
  outputPerToken: 1.5e-5,
  cacheReadPerToken: 3e-7,
  cacheWritePerToken: 3.75e-6,
  reasoningPerToken: null,
};

describe(costOf.name, () => {
  const sut = costOf;

  it('prices fresh input, cache reads, cache writes and output apart', () => {
    const usage = {
      input: { total: 9688, noCache: 472, cacheRead: 8192, cacheWrite: 1024 },
      output: { total: 25, reasoning: 18 },
    };

    expect(sut(usage, sonnet)).toBe(472 * 3e-6 + 8192 * 3e-7 + 1024 * 3.75e-6 + 25 * 1.5e-5);
    expect(sut(usage, sonnet)).toBeCloseTo(0.0080886, 12);
  });

  it('charges cache reads and writes at the input price when they have no price', () => {
    const prices: ModelPrices = { ...sonnet, cacheReadPerToken: null, cacheWritePerToken: null };
    const usage = {
      input: { total: 300, noCache: 100, cacheRead: 100, cacheWrite: 100 },
      output: { total: 0, reasoning: 0 },
    };

    expect(sut(usage, prices)).toBe(100 * 3e-6 + 100 * 3e-6 + 100 * 3e-6);
  });

  it('charges reasoning tokens at the reasoning price when there is one', () => {
    const prices: ModelPrices = {
      inputPerToken: 1.5e-6,
      outputPerToken: 9e-6,
      cacheReadPerToken: 1.5e-7,
      cacheWritePerToken: null,
      reasoningPerToken: 2e-5,
    };
    const usage = {
      input: { total: 2100, noCache: 52, cacheRead: 2048, cacheWrite: 0 },
      output: { total: 40, reasoning: 32 },
    };

    expect(sut(usage, prices)).toBe(52 * 1.5e-6 + 2048 * 1.5e-7 + 0 * 1.5e-6 + (8 * 9e-6 + 32 * 2e-5));
  });

  it('keeps full double precision for tiny costs', () => {
    const prices: ModelPrices = { ...sonnet, inputPerToken: 6e-8, outputPerToken: 1.8e-7 };
    const usage = {
      input: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 },
      output: { total: 1, reasoning: 0 },
    };

    expect(sut(usage, prices)).toBe(6e-8 + 1.8e-7);
  });

  it('is null when the prices are unknown, and 0 only for zero usage', () => {
    const usage = {
      input: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 },
      output: { total: 5, reasoning: 0 },
    };
    const none = {
      input: { total: 0, noCache: 0, cacheRead: 0, cacheWrite: 0 },
      output: { total: 0, reasoning: 0 },
    };

    expect(sut(usage, null)).toBeNull();
    expect(sut(none, sonnet)).toBe(0);
  });
});
