import { targetFor } from '../__fixtures__/fixture-helpers';
import { buildGeminiProbeRequest } from './gemini-probe-request';

describe(buildGeminiProbeRequest.name, () => {
  it('gets the model under /v1beta with the key in x-goog-api-key, never in the URL', () => {
    const target = targetFor({
      provider: 'gemini',
      providerModel: 'gemini-3.5-flash',
      apiBase: 'https://generativelanguage.googleapis.com',
    });

    const sut = buildGeminiProbeRequest(target);

    expect(sut).toEqual({
      method: 'GET',
      url: 'https://generativelanguage.googleapis.com/v1beta/models/gemini-3.5-flash',
      headers: { 'x-goog-api-key': target.apiKey },
      body: '',
    });
    expect(sut.url).not.toContain(target.apiKey);
  });

  it('drops a models/ prefix of the id and keeps an api_base that names its version', () => {
    const sut = buildGeminiProbeRequest(
      targetFor({
        provider: 'gemini',
        providerModel: 'models/gemini-2.5-pro',
        apiBase: 'http://proxy.test/v1',
      }),
    );

    expect(sut.url).toBe('http://proxy.test/v1/models/gemini-2.5-pro');
  });
});
