import { convertOpenAIUsage } from './convert-openai-usage';

describe(convertOpenAIUsage.name, () => {
  const sut = convertOpenAIUsage;

  it('reads OpenAI’s rule by default: completion_tokens counts the reasoning tokens', () => {
    const usage = {
      prompt_tokens: 18,
      completion_tokens: 219,
      completion_tokens_details: { reasoning_tokens: 205 },
    };

    expect(sut(usage).output).toEqual({ total: 219, reasoning: 205 });
  });

  it('adds the reasoning to completion_tokens for a provider whose rule is `separate` (xAI)', () => {
    const usage = {
      prompt_tokens: 12,
      completion_tokens: 1,
      total_tokens: 303,
      prompt_tokens_details: { cached_tokens: 11 },
      completion_tokens_details: { reasoning_tokens: 290 },
    };

    expect(sut(usage, 'separate')).toEqual({
      input: { total: 12, noCache: 1, cacheRead: 11, cacheWrite: 0 },
      output: { total: 291, reasoning: 290 },
    });
  });

  it('reads more reasoning than completion as the `separate` rule instead of capping it', () => {
    const usage = {
      prompt_tokens: 12,
      completion_tokens: 1,
      completion_tokens_details: { reasoning_tokens: 290 },
    };

    expect(sut(usage, 'included').output).toEqual({ total: 291, reasoning: 290 });
  });

  it('reads cached prompt tokens where OpenAI-compatible vendors put them', () => {
    expect(sut({ prompt_tokens: 20, cached_tokens: 10 }).input.cacheRead).toBe(10); // Moonshot
    expect(sut({ prompt_tokens: 339, prompt_cache_hit_tokens: 320 }).input.cacheRead).toBe(320); // DeepSeek
  });
});
