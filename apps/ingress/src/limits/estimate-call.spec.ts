import { parseGatewayConfig } from '@switchyard/config';
import type { ChatCompletionRequest } from '@switchyard/contracts';
import { estimateCall } from './estimate-call';

const configuration = parseGatewayConfig(
  `
model_list:
  - model_name: cheap-or-dear
    litellm_params: { model: openai/a, api_key: test, input_cost_per_token: 0.000001, output_cost_per_token: 0.000002 }
  - model_name: cheap-or-dear
    litellm_params: { model: openai/b, api_key: test, input_cost_per_token: 0.000003, output_cost_per_token: 0.000001 }
  - model_name: unpriced
    litellm_params: { model: openai/unknown-model-without-price, api_key: test }
`,
  { source: 'test.yaml', environment: {} },
);

function request(overrides: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest {
  return { model: 'cheap-or-dear', messages: [{ role: 'user', content: 'abcdefgh' }], ...overrides };
}

describe(estimateCall.name, () => {
  const deployments = configuration.deploymentsFor('cheap-or-dear');

  it('counts input as UTF-8 bytes / 4 plus 4 per message, output as max_tokens', () => {
    const estimate = estimateCall(request({ max_tokens: 100 }), deployments, 4096);
    expect(estimate.inputTokens).toBe(2 + 4);
    expect(estimate.outputTokens).toBe(100);
  });

  it('prices at the highest input and output prices of the deployments that may answer', () => {
    const estimate = estimateCall(request({ max_tokens: 100 }), deployments, 4096);
    expect(estimate.costUsd).toBeCloseTo(6 * 0.000003 + 100 * 0.000002, 15);
  });

  it('counts multi-byte text, tool calls and tool definitions', () => {
    const plain = estimateCall(request({ max_tokens: 1 }), deployments, 0).inputTokens;
    const accented = estimateCall(
      request({ max_tokens: 1, messages: [{ role: 'user', content: 'éééééééé' }] }),
      deployments,
      0,
    ).inputTokens;
    expect(accented).toBe(plain + 2);
    const withTools = estimateCall(
      request({
        max_tokens: 1,
        tools: [{ type: 'function', function: { name: 'read_file', parameters: { type: 'object' } } }],
      }),
      deployments,
      0,
    ).inputTokens;
    expect(withTools).toBeGreaterThan(plain + 10);
  });

  it('uses the allowance without a limit, max_completion_tokens over max_tokens, and n', () => {
    expect(estimateCall(request(), deployments, 4096).outputTokens).toBe(4096);
    expect(
      estimateCall(request({ max_tokens: 10, max_completion_tokens: 20 }), deployments, 4096).outputTokens,
    ).toBe(20);
    expect(estimateCall(request({ max_tokens: 10, n: 3 }), deployments, 4096).outputTokens).toBe(30);
  });

  it('costs nothing for a model without a known price', () => {
    expect(estimateCall(request(), configuration.deploymentsFor('unpriced'), 4096).costUsd).toBe(0);
  });
});
