import { targetFor } from '../__fixtures__/fixture-helpers';
import { buildMistralProbeRequest } from './mistral-probe-request';

describe(buildMistralProbeRequest.name, () => {
  it('retrieves the model with a GET and the key only in the Bearer header', () => {
    const target = targetFor({
      provider: 'mistral',
      providerModel: 'mistral-small-2603',
      apiBase: 'https://api.mistral.ai/v1',
    });

    const sut = buildMistralProbeRequest(target);

    expect(sut).toEqual({
      method: 'GET',
      url: 'https://api.mistral.ai/v1/models/mistral-small-2603',
      headers: { authorization: `Bearer ${target.apiKey}` },
      body: '',
    });
  });
});
