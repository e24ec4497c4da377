import { LitellmParams, parseGatewayConfig } from '@switchyard/config';
import { NON_REQUEST_PARAMS } from '@switchyard/providers';
import { ServedDeployments } from './served-deployments';

function servedOf(yaml: string): ServedDeployments {
  const configuration = parseGatewayConfig(yaml, { source: 'served-test.yaml', environment: {} });
  return new ServedDeployments(['openai'], configuration);
}

describe(ServedDeployments.name, () => {
  it('takes the reasoning-token rule of the host an openai/… deployment calls (xAI leaves reasoning out of completion_tokens)', () => {
    const sut = servedOf(`
model_list:
  - model_name: grok
    litellm_params: { model: openai/grok-4, api_key: sk-x, api_base: https://api.x.ai/v1 }
    model_info: { id: grok-1 }
  - model_name: gpt
    litellm_params: { model: openai/gpt-5.4-mini, api_key: sk-o }
    model_info: { id: gpt-1 }
`);

    expect(sut.get('grok-1')?.target.reasoningTokens).toBe('separate');
    expect(sut.get('gpt-1')?.target.reasoningTokens).toBe('included');
  });
});

describe('request defaults of a deployment', () => {
  it('passes on request parameters and nothing that configures the gateway', () => {
    const sut = servedOf(`
model_list:
  - model_name: gpt
    litellm_params:
      model: openai/gpt-5.4-mini
      api_key: sk-secret-key-of-the-deployment
      api_base: https://api.openai.com/v1
      api_version: '2024-10-21'
      organization: org-1
      custom_llm_provider: openai
      base_url: https://elsewhere.example/v1
      input_cost_per_token: 0.000001
      output_cost_per_token: 0.000002
      cache_read_input_token_cost: 0.0000001
      cache_creation_input_token_cost: 0.0000002
      output_cost_per_reasoning_token: 0.000003
      timeout: 30
      stream_timeout: 60
      max_retries: 1
      num_retries: 1
      rpm: 10
      tpm: 1000
      weight: 2
      order: 1
      stream: true
      messages: []
      input: x
      temperature: 0.2
      max_tokens: 512
    model_info: { id: gpt-1 }
`);

    expect(sut.get('gpt-1')?.target.defaults).toEqual({ temperature: 0.2, max_tokens: 512 });
  });

  it('knows every litellm_params key of the config schema as a gateway setting', () => {
    expect(Object.keys(LitellmParams.shape).filter((key) => !NON_REQUEST_PARAMS.has(key))).toEqual([]);
  });
});
