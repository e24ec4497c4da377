import type { ChatCompletionRequest } from '@switchyard/contracts';
import { upstreamBody } from './upstream-body';

const request: ChatCompletionRequest = {
  model: 'm',
  messages: [{ role: 'user', content: 'hi' }],
  cache: { 'no-cache': true },
  unknown_knob: 1,
  provider_options: { gemini: { safetySettings: [] } },
};

describe('upstreamBody', () => {
  it('drops the gateway fields and, with drop_params, unknown parameters, but keeps provider_options', () => {
    expect(upstreamBody(request, true)).toEqual({
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
      provider_options: { gemini: { safetySettings: [] } },
    });
  });

  it('passes unknown parameters through without drop_params', () => {
    expect(upstreamBody(request, false)).toMatchObject({ unknown_knob: 1, provider_options: { gemini: {} } });
    expect(upstreamBody(request, false)).not.toHaveProperty('cache');
  });
});
