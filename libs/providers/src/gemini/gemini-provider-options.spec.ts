import type { ChatCompletionRequest } from '@switchyard/contracts';
import { buildOpenAIChatBody } from '../openai/openai-chat-request';
import type { UpstreamTarget } from '../shared/spec';
import { buildGeminiChatBody } from './gemini-chat-request';

const safetySettings = [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_ONLY_HIGH' }];
const request: ChatCompletionRequest = {
  model: 'm',
  messages: [{ role: 'user', content: 'hi' }],
  provider_options: { gemini: { safetySettings } },
};

function target(provider: string, providerModel: string): UpstreamTarget {
  return { provider, providerModel, apiBase: 'http://upstream', apiKey: 'k' };
}

describe('provider_options (provider-native parameters a surface carries)', () => {
  it('gives a Gemini deployment its safetySettings', () => {
    expect(buildGeminiChatBody(request, target('gemini', 'gemini-2.5-pro')).safetySettings).toEqual(
      safetySettings,
    );
  });

  it('sends none of them to an OpenAI-style provider, which passes every other parameter through', () => {
    const body = buildOpenAIChatBody(request, target('openai', 'gpt-5.4-mini'), false);
    expect(body).not.toHaveProperty('provider_options');
    expect(JSON.stringify(body)).not.toContain('HARM_CATEGORY');
  });
});
