import { targetFor } from '../__fixtures__/fixture-helpers';
import { buildOpenAIProbeRequest } from './openai-probe-request';

describe(buildOpenAIProbeRequest.name, () => {
  const target = targetFor({
    provider: 'openai',
    providerModel: 'gpt-5.4-mini',
    apiBase: 'https://api.openai.com/v1',
  });

  it('retrieves the deployment model with a GET and the key only in the Bearer header', () => {
    const sut = buildOpenAIProbeRequest(target);

    expect(sut).toEqual({
      method: 'GET',
      url: 'https://api.openai.com/v1/models/gpt-5.4-mini',
      headers: { authorization: `Bearer ${target.apiKey}` },
      body: '',
    });
  });

  it('lists the models of a custom OpenAI-compatible provider', () => {
    const sut = buildOpenAIProbeRequest(
      targetFor({
        provider: 'opencodego',
        providerModel: 'kimi-k2.6',
        apiBase: 'https://opencode.ai/zen/go/v1',
      }),
      'list',
    );

    expect(sut.method).toBe('GET');
    expect(sut.url).toBe('https://opencode.ai/zen/go/v1/models');
  });

  it('escapes a model id that is not a single path segment, and sends no key header when there is none', () => {
    const sut = buildOpenAIProbeRequest({ ...target, providerModel: 'org/model:tag', apiKey: '' });

    expect(sut.url).toBe('https://api.openai.com/v1/models/org%2Fmodel%3Atag');
    expect(sut.headers).toEqual({});
  });
});
