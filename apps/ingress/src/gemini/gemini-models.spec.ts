import { parseGatewayConfig } from '@switchyard/config';
import type { VirtualKey } from '@switchyard/contracts';
import type { Caller } from '../http/request-context';
import { GeminiModels } from './gemini-models';

const configuration = parseGatewayConfig(
  `
model_list:
  - model_name: gpt-5.4-mini
    litellm_params: { model: openai/gpt-5.4-mini, api_key: test }
  - model_name: gemini-2.5-pro
    litellm_params: { model: gemini/gemini-2.5-pro, api_key: test }
    model_info: { max_input_tokens: 2000, max_output_tokens: 300 }
  - model_name: embedder
    litellm_params: { model: openai/text-embedding-3-small, api_key: test }
    model_info: { mode: embedding }
  - model_name: frontier-router
    litellm_params:
      model: auto_router/complexity_router
      complexity_router_config:
        tiers: { SIMPLE: gpt-5.4-mini, MEDIUM: gemini-2.5-pro, COMPLEX: gemini-2.5-pro, REASONING: gemini-2.5-pro }
`,
  { source: 'test.yaml', environment: {} },
);

function virtual(models: string[]): Caller {
  return { kind: 'virtual', keyId: 'key-1', keyHash: 'f'.repeat(64), models, key: { models } as VirtualKey };
}

describe(GeminiModels.name, () => {
  const sut = new GeminiModels(configuration);

  it("lists every chat model and router in Google's Model shape for the master key", () => {
    const { models } = sut.list({ kind: 'master' });
    expect(models.map((model) => model.name)).toEqual([
      'models/gpt-5.4-mini',
      'models/gemini-2.5-pro',
      'models/frontier-router',
    ]);
    expect(models[1]).toMatchObject({
      displayName: 'gemini-2.5-pro',
      inputTokenLimit: 2000,
      outputTokenLimit: 300,
      supportedGenerationMethods: ['generateContent', 'streamGenerateContent', 'countTokens'],
    });
  });

  it("shows a virtual key only its scope, and finds a model with or without Google's models/ prefix", () => {
    expect(sut.list(virtual(['frontier-router'])).models.map((model) => model.name)).toEqual([
      'models/frontier-router',
    ]);
    expect(sut.get('models/frontier-router', virtual(['frontier-router'])).name).toBe(
      'models/frontier-router',
    );
    expect(() => sut.get('gpt-5.4-mini', virtual(['frontier-router']))).toThrow('is not found');
  });
});
