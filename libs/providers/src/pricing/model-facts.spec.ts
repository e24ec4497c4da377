import { parseGatewayConfig, type Deployment } from '@switchyard/config';
import { contextWindowOf, pricesOf } from './model-facts';

const PROVIDERS = JSON.stringify({
  opencodego: { base_url: 'https://opencode.ai/zen/go/v1', api_key_env: 'OPENCODE_GO_API_KEY' },
});

function deploymentOf(params: string, modelInfo = ''): Deployment {
  const yaml = `
model_list:
  - model_name: under-test
    litellm_params:
${params
  .trim()
  .split('\n')
  .map((line) => `      ${line.trim()}`)
  .join('\n')}
${
  modelInfo
    ? `    model_info:\n${modelInfo
        .trim()
        .split('\n')
        .map((line) => `      ${line.trim()}`)
        .join('\n')}`
    : ''
}
`;
  return parseGatewayConfig(yaml, { source: 'test.yaml', providersText: PROVIDERS, environment: {} })
    .deployments[0];
}

describe(pricesOf.name, () => {
  const sut = pricesOf;

  it('uses the bundled prices of an OpenAI model found by its bare name', () => {
    expect(sut(deploymentOf('model: openai/gpt-5.5'))).toEqual({
      inputPerToken: 5e-6,
      outputPerToken: 3e-5,
      cacheReadPerToken: 5e-7,
      cacheWritePerToken: null,
      reasoningPerToken: null,
    });
  });

  it('finds Gemini and Mistral models under <provider>/<model>, with cache and reasoning prices', () => {
    expect(sut(deploymentOf('model: gemini/gemini-3.5-flash'))).toEqual({
      inputPerToken: 1.5e-6,
      outputPerToken: 9e-6,
      cacheReadPerToken: 1.5e-7,
      cacheWritePerToken: null,
      reasoningPerToken: 9e-6,
    });
    expect(sut(deploymentOf('model: mistral/mistral-small-latest'))?.inputPerToken).toBe(6e-8);
  });

  it('reads Anthropic cache-write prices', () => {
    expect(sut(deploymentOf('model: anthropic/claude-sonnet-4-6'))).toEqual({
      inputPerToken: 3e-6,
      outputPerToken: 1.5e-5,
      cacheReadPerToken: 3e-7,
      cacheWritePerToken: 3.75e-6,
      reasoningPerToken: null,
    });
  });

  it('lets each price written in the config win over the bundled one, field by field', () => {
    const deployment = deploymentOf(`
      model: anthropic/claude-sonnet-4-6
      input_cost_per_token: 0.000002
      cache_read_input_token_cost: 0.0000001
    `);

    expect(sut(deployment)).toEqual({
      inputPerToken: 2e-6,
      outputPerToken: 1.5e-5,
      cacheReadPerToken: 1e-7,
      cacheWritePerToken: 3.75e-6,
      reasoningPerToken: null,
    });
  });

  it('prices a model the bundled data lacks from its config prices (model_info prices too)', () => {
    const fromParams = deploymentOf(`
      model: mistral/mistral-small-2603
      input_cost_per_token: 0.00000015
      output_cost_per_token: 0.00000060
    `);
    const fromModelInfo = deploymentOf(
      'model: opencodego/glm-5.1',
      'input_cost_per_token: 0.0000014\noutput_cost_per_token: 0.0000044',
    );

    expect(sut(fromParams)).toEqual({
      inputPerToken: 1.5e-7,
      outputPerToken: 6e-7,
      cacheReadPerToken: null,
      cacheWritePerToken: null,
      reasoningPerToken: null,
    });
    expect(sut(fromModelInfo)).toMatchObject({ inputPerToken: 1.4e-6, outputPerToken: 4.4e-6 });
  });

  it('prices an embedding model from its input price alone', () => {
    const embedding = deploymentOf(
      'model: gemini/gemini-embedding-001\ninput_cost_per_token: 0.00000015',
      'mode: embedding',
    );
    expect(sut(embedding)).toMatchObject({ inputPerToken: 1.5e-7, outputPerToken: 0 });
  });

  it('returns null when the input or the output price is unknown', () => {
    expect(sut(deploymentOf('model: opencodego/glm-5.1'))).toBeNull();
    expect(
      sut(deploymentOf('model: mistral/mistral-small-2603\ninput_cost_per_token: 0.00000015')),
    ).toBeNull();
  });
});

describe(contextWindowOf.name, () => {
  const sut = contextWindowOf;

  it('prefers model_info.max_input_tokens', () => {
    expect(sut(deploymentOf('model: openai/gpt-5.5', 'max_input_tokens: 272000'))).toBe(272000);
  });

  it('falls back to the bundled data, by <provider>/<model> or bare name', () => {
    expect(sut(deploymentOf('model: gemini/gemini-2.5-pro'))).toBe(1048576);
    expect(sut(deploymentOf('model: anthropic/claude-haiku-4-5'))).toBe(200000);
  });

  it('returns null when nothing is known', () => {
    expect(sut(deploymentOf('model: opencodego/deepseek-v4-pro'))).toBeNull();
  });
});
