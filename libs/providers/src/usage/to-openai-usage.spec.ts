import { toOpenAIUsage } from './to-openai-usage';
import { tokenUsageOf } from './token-usage-of';

describe(toOpenAIUsage.name, () => {
  it('reports cached prompt tokens and reasoning tokens in the detail objects', () => {
    const sut = toOpenAIUsage;

    const usage = sut(tokenUsageOf({ noCache: 100, cacheRead: 900, output: 250, reasoning: 200 }));

    expect(usage).toEqual({
      prompt_tokens: 1000,
      completion_tokens: 250,
      total_tokens: 1250,
      prompt_tokens_details: { cached_tokens: 900 },
      completion_tokens_details: { reasoning_tokens: 200 },
    });
  });

  it('adds cache_creation_tokens only when tokens were written to the cache', () => {
    const sut = toOpenAIUsage;

    const usage = sut(tokenUsageOf({ noCache: 10, cacheRead: 20, cacheWrite: 30, output: 5 }));

    expect(usage.prompt_tokens).toBe(60);
    expect(usage.prompt_tokens_details).toEqual({ cached_tokens: 20, cache_creation_tokens: 30 });
  });
});

describe(tokenUsageOf.name, () => {
  it('keeps input.total the sum of its parts and never caps reported reasoning away', () => {
    const sut = tokenUsageOf;

    // more reasoning than output: the output total is raised to it, the tokens stay billed
    expect(sut({ noCache: 7, cacheRead: 3, output: 4, reasoning: 9 })).toEqual({
      input: { total: 10, noCache: 7, cacheRead: 3, cacheWrite: 0 },
      output: { total: 9, reasoning: 9 },
    });
  });

  it('turns negative or missing counts into zero', () => {
    const sut = tokenUsageOf;

    expect(sut({ noCache: -5, output: Number.NaN })).toEqual({
      input: { total: 0, noCache: 0, cacheRead: 0, cacheWrite: 0 },
      output: { total: 0, reasoning: 0 },
    });
  });
});
