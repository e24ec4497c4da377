import { targetFor } from '../__fixtures__/fixture-helpers';
import { ANTHROPIC_VERSION } from './anthropic-chat-request';
import { buildAnthropicProbeRequest } from './anthropic-probe-request';

describe(buildAnthropicProbeRequest.name, () => {
  it('retrieves the model under /v1 with the key and version headers', () => {
    const target = targetFor({
      provider: 'anthropic',
      providerModel: 'claude-sonnet-4-6',
      apiBase: 'https://api.anthropic.com',
    });

    const sut = buildAnthropicProbeRequest(target);

    expect(sut).toEqual({
      method: 'GET',
      url: 'https://api.anthropic.com/v1/models/claude-sonnet-4-6',
      headers: { 'x-api-key': target.apiKey, 'anthropic-version': ANTHROPIC_VERSION },
      body: '',
    });
    expect(sut.url).not.toContain(target.apiKey);
  });

  it('keeps an api_base that already ends in /v1', () => {
    const sut = buildAnthropicProbeRequest(
      targetFor({
        provider: 'anthropic',
        providerModel: 'claude-haiku-4-5',
        apiBase: 'http://proxy.test/v1',
      }),
    );

    expect(sut.url).toBe('http://proxy.test/v1/models/claude-haiku-4-5');
  });
});
