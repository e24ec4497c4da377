import { ProviderRegistry } from './provider-registry';

describe(ProviderRegistry.name, () => {
  it('gives a custom provider OpenAI’s reasoning-token rule unless the vendor is known to differ', () => {
    const sut = new ProviderRegistry({
      deepseek: { base_url: 'https://api.deepseek.com/v1', api_key_env: 'DEEPSEEK_API_KEY' },
      xai: { base_url: 'https://api.x.ai/v1', api_key_env: 'XAI_API_KEY' },
    });

    expect(sut.get('openai')?.reasoningTokens).toBe('included');
    expect(sut.get('deepseek')?.reasoningTokens).toBe('included');
    expect(sut.get('xai')?.reasoningTokens).toBe('separate');
  });

  it('lets providers.json `reasoning_tokens` set the rule either way', () => {
    const sut = new ProviderRegistry({
      proxiedxai: {
        base_url: 'https://llm-proxy.example/v1',
        api_key_env: 'KEY',
        reasoning_tokens: 'separate',
      },
      xaicompat: { base_url: 'https://api.x.ai/v1', api_key_env: 'KEY', reasoning_tokens: 'included' },
    });

    expect(sut.get('proxiedxai')?.reasoningTokens).toBe('separate');
    expect(sut.get('xaicompat')?.reasoningTokens).toBe('included');
  });
});
