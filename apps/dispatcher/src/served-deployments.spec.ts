import { parseGatewayConfig } from '@switchyard/config';
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
